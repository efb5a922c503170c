using System.Net;

namespace OrderOps.Adapters.Amazon.Client;

/// <summary>
/// The Selling Partner API answered with an error after retries (if any applied) were exhausted.
/// <see cref="Errors"/> is Amazon's error list (<c>{"errors":[{"code","message","details"}]}</c>).
/// </summary>
public sealed class SellingPartnerApiException : Exception
{
    public SellingPartnerApiException(string operation, HttpStatusCode statusCode, IReadOnlyList<SpApiError> errors, string? requestId)
        : base(FormatMessage(operation, statusCode, errors, requestId))
    {
        Operation = operation;
        StatusCode = statusCode;
        Errors = errors;
        RequestId = requestId;
    }

    public SellingPartnerApiException()
    {
        Operation = string.Empty;
        Errors = [];
    }

    public SellingPartnerApiException(string message)
        : base(message)
    {
        Operation = string.Empty;
        Errors = [];
    }

    public SellingPartnerApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = string.Empty;
        Errors = [];
    }

    public string Operation { get; }

    public HttpStatusCode StatusCode { get; }

    public IReadOnlyList<SpApiError> Errors { get; }

    /// <summary>Amazon's <c>x-amzn-RequestId</c>, which Amazon support asks for.</summary>
    public string? RequestId { get; }

    private static string FormatMessage(string operation, HttpStatusCode statusCode, IReadOnlyList<SpApiError> errors, string? requestId)
    {
        var first = errors.Count > 0 ? $" {errors[0].Code}: {errors[0].Message}" : string.Empty;
        return $"SP-API {operation} failed with {(int)statusCode}.{first} (request id {requestId ?? "unknown"}).";
    }
}

/// <summary>One entry of an SP-API error response.</summary>
public sealed record SpApiError(string? Code, string? Message, string? Details);
