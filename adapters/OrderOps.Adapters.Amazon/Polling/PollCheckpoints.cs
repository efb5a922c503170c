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

/// <summary>A getOrders window in progress: [<see cref="WindowStart"/>, <see cref="WindowEnd"/>) and where to continue.</summary>
internal sealed record PollCursor(DateTimeOffset WindowStart, DateTimeOffset WindowEnd, string NextToken);
