using System.Globalization;

namespace OrderOps.Functions.Http;

/// <summary>The <c>?limit=</c> of every list endpoint: 1–1000, 100 when absent or not a number.</summary>
internal static class ListLimit
{
    public const int Default = 100;
    public const int Max = 1000;

    public static int From(HttpRequest request) =>
        int.TryParse(request.Query["limit"].FirstOrDefault(), CultureInfo.InvariantCulture, out var parsed) ? Math.Clamp(parsed, 1, Max) : Default;
}
