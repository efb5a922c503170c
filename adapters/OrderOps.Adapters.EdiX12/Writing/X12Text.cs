using System.Globalization;

namespace OrderOps.Adapters.EdiX12.Writing;

/// <summary>X12 DT/TM/R element text for everything we write. Times are UTC (DTM04 says so where it is sent).</summary>
internal static class X12Text
{
    public static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("HHmm", CultureInfo.InvariantCulture);

    /// <summary>A segment split into [id, element 1, …] as its elements alone, to write it again verbatim.</summary>
    public static ReadOnlySpan<string?> ElementsOf(string[] segment) => new(segment, 1, segment.Length - 1);

    /// <summary>An R (decimal) element without trailing zeros: 30, 12.5.</summary>
    public static string Number(decimal value) => value.ToString("0.##########", CultureInfo.InvariantCulture);
}
