using Microsoft.AspNetCore.Mvc;
using OrderOps.Functions.OpenApi;
using OrderOps.Adapters.EdiX12.Intake;
using OrderOps.Core.Ingest;
using OrderOps.Functions.Http;

namespace OrderOps.Functions.Edi;

/// <summary>
/// <c>POST /api/edi/x12</c> (key-protected): one X12 file in, its 997/TA1 acknowledgments out as
/// <c>application/edi-x12</c>. The file is archived and its accepted purchase orders queued for ingest before the reply.
/// </summary>
public sealed class EdiX12Endpoint(EdiIntake intake)
{
    public const string MediaType = "application/edi-x12";
    public const int MaxBodyBytes = 50 * 1024 * 1024;

    [Function("EdiX12")]
    [Tags("EDI")]
    [EndpointSummary("One X12 interchange in; its 997/TA1 acknowledgments out.")]
    [Consumes(typeof(string), MediaType)]
    [ProducesResponseType(typeof(string), StatusCodes.Status200OK, MediaType)]
    [ProblemResponse(StatusCodes.Status400BadRequest)]
    [ProblemResponse(StatusCodes.Status403Forbidden)]
    [ProblemResponse(StatusCodes.Status409Conflict)]
    [ProblemResponse(StatusCodes.Status413PayloadTooLarge)]
    [ProblemResponse(StatusCodes.Status503ServiceUnavailable)]
    public async Task<IResult> HandleAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/edi/x12")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var body = await BoundedBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, "The file is too large.", $"Post at most {MaxBodyBytes / (1024 * 1024)} MB; drop larger files into the EDI inbox.");
        }

        EdiIntakeResult result;
        try
        {
            result = await intake.ReceiveAsync(body, "http", cancellationToken);
        }
        catch (DeliveryInProgressException ex)
        {
            request.HttpContext.Response.Headers.RetryAfter = "1";
            return Problems.Status(StatusCodes.Status409Conflict, "The same file is being received right now.", ex.Message);
        }

        if (result.NotConfigured)
        {
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "The EDI channel is not configured.", $"{string.Join(" ", intake.ConfigurationProblems)} The file is archived as {result.ArchiveId}.");
        }

        if (result.Unreadable is { } error)
        {
            return Problems.Status(StatusCodes.Status400BadRequest, "The body is not an X12 interchange.", $"{error.Message} The file is archived as {result.ArchiveId}.");
        }

        if (result.NoKnownSender)
        {
            return Problems.Status(StatusCodes.Status403Forbidden, "The sender is not a configured trading partner.", $"No interchange came from a partner configured under Channels:Edi:Partners and addressed to us. The file is archived as {result.ArchiveId}.");
        }

        return Results.Text(result.Acknowledgments, MediaType);
    }
}
