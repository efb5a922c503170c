using System.Globalization;
using System.Text.Json;

namespace OrderOps.Adapters.Amazon.Polling;

/// <summary>Names and formats of what the poller keeps in <c>ICheckpointStore</c>.</summary>
internal static class PollCheckpoints
{
    /// <summary>Every order whose LastUpdateDate is before this time has been queued (ISO 8601 UTC).</summary>
    public static string WatermarkName(string sellerId, string marketplaceId) => $"amazon:{sellerId}:{marketplaceId}:lastUpdatedAfter";

    /// <summary>The window being paged through and the NextToken of its first page not yet queued; empty when none.</summary>
    public static string CursorName(string sellerId, string marketplaceId) => $"amazon:{sellerId}:{marketplaceId}:cursor";

    public static string FormatTime(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseTime(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
        : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static string FormatCursor(PollCursor cursor) => JsonSerializer.Serialize(cursor);

    public static PollCursor? ParseCursor(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : JsonSerializer.Deserialize<PollCursor>(text);

    /// <summary>Whole seconds: that is what the query string carries, so the stored window matches what Amazon saw.</summary>
    public static DateTimeOffset TruncateToSecond(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }
}

/// <summary>
/// A searchOrders window in progress: [<see cref="WindowStart"/>, <see cref="WindowEnd"/>), the pagination token of
/// its next page, when that token was received and which API issued it.
/// </summary>
/// <remarks>Cursors saved before the move to v2026-01-01 have no <see cref="Api"/>: their v0 NextToken means nothing to
/// searchOrders, so they are not used (the window is read again from the watermark).</remarks>
internal sealed record PollCursor(DateTimeOffset WindowStart, DateTimeOffset WindowEnd, string NextToken, DateTimeOffset? SavedAt = null, string? Api = null)
{
    public const string CurrentApi = "orders/2026-01-01";

    /// <summary>Amazon's pagination tokens expire 24 hours after they are issued; an hour of margin for clocks and slow pages.</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(23);

    /// <summary>Why the saved token must not be sent, or null when it may.</summary>
    public string? Unusable(DateTimeOffset now) =>
        Api != CurrentApi ? "it was saved by an earlier Orders API version"
        : SavedAt is not { } saved || now - saved >= TokenLifetime ? "its pagination token is older than Amazon keeps tokens (24 h)"
        : null;
}
