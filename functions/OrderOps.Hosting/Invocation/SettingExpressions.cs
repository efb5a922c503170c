using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace OrderOps.Hosting.Invocation;

/// <summary>
/// Resolves <c>%Setting%</c> in trigger attributes from configuration, as the Functions host's name resolver does
/// (<c>configuration[name]</c>; the app setting <c>Channels__Amazon__PollSchedule</c> is the key
/// <c>Channels:Amazon:PollSchedule</c>). A setting that is not defined is an error naming it, never a silent default.
/// </summary>
public static partial class SettingExpressions
{
    public static string Resolve(string value, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(configuration);
        return Token().Replace(value, match =>
        {
            var name = match.Groups[1].Value;
            return configuration[name] is { Length: > 0 } resolved
                ? resolved
                : throw new InvalidOperationException($"The setting '{name}' (named as %{name}% by a trigger) is not configured.");
        });
    }

    /// <summary>The setting names an attribute value refers to.</summary>
    public static IEnumerable<string> Names(string value) => Token().Matches(value ?? string.Empty).Select(m => m.Groups[1].Value);

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex Token();
}
