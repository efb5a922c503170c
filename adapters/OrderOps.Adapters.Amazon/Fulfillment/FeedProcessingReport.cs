using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace OrderOps.Adapters.Amazon.Fulfillment;

/// <summary>
/// The processing report Amazon writes for an XML feed (amzn-envelope with MessageType <c>ProcessingReport</c>):
/// <c>ProcessingSummary</c> counts and one <c>Result</c> per message with an error or warning.
/// </summary>
public sealed record FeedProcessingReport(
    string? StatusCode, int MessagesProcessed, int MessagesSuccessful, int MessagesWithError, IReadOnlyList<FeedProcessingResult> Results)
{
    /// <summary>Every message was processed without error.</summary>
    public bool Succeeded => MessagesProcessed > 0 && MessagesSuccessful == MessagesProcessed && MessagesWithError == 0;

    /// <summary>Amazon's words for the errors: result codes and descriptions, nothing else.</summary>
    public string DescribeErrors()
    {
        var errors = Results.Where(r => string.Equals(r.ResultCode, "Error", StringComparison.OrdinalIgnoreCase))
            .Select(r => $"{r.ResultMessageCode}: {r.ResultDescription}").ToList();
        return errors.Count > 0
            ? string.Join("; ", errors)
            : $"{MessagesWithError} of {MessagesProcessed} messages had errors, {MessagesSuccessful} succeeded";
    }

    /// <exception cref="FormatException">The document is not a processing report.</exception>
    public static FeedProcessingReport Parse(byte[] document)
    {
        XDocument xml;
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(document), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            xml = XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new FormatException("The feed result is not XML.", ex);
        }

        var report = xml.Descendants().FirstOrDefault(e => e.Name.LocalName == "ProcessingReport")
            ?? throw new FormatException("The feed result has no ProcessingReport.");
        var summary = report.Elements().FirstOrDefault(e => e.Name.LocalName == "ProcessingSummary")
            ?? throw new FormatException("The processing report has no ProcessingSummary.");
        return new FeedProcessingReport(
            Child(report, "StatusCode"),
            Count(summary, "MessagesProcessed"),
            Count(summary, "MessagesSuccessful"),
            Count(summary, "MessagesWithError"),
            report.Elements().Where(e => e.Name.LocalName == "Result")
                .Select(r => new FeedProcessingResult(Child(r, "MessageID"), Child(r, "ResultCode"), Child(r, "ResultMessageCode"), Child(r, "ResultDescription")))
                .ToList());
    }

    private static string? Child(XElement parent, string name) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value.Trim();

    private static int Count(XElement summary, string name) =>
        int.TryParse(Child(summary, name), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : throw new FormatException($"ProcessingSummary has no whole-number {name}.");
}

public sealed record FeedProcessingResult(string? MessageId, string? ResultCode, string? ResultMessageCode, string? ResultDescription);
