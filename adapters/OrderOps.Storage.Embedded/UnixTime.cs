namespace OrderOps.Storage.Embedded;

/// <summary>Times are stored as Unix milliseconds so SQLite can compare and index them.</summary>
internal static class UnixTime
{
    public static long ToMs(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);
}
