namespace OrderOps.Functions.Http;

/// <summary>RFC 9457 problem-details answers, one place for their wording.</summary>
internal static class Problems
{
    public static IResult BadRequest(string title, string detail, IDictionary<string, string[]>? errors = null) =>
        errors is null
            ? Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail)
            : Results.ValidationProblem(errors, detail: detail, title: title);

    public static IResult NotFound(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.", detail: detail);

    public static IResult Status(int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail);
}
