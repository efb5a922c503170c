using System.Text;
using OrderOps.Adapters.EdiX12.Envelopes;
using OrderOps.Adapters.EdiX12.Parsing;

namespace OrderOps.Adapters.EdiX12.Tests.Support;

/// <summary>
/// Reads an X12 document (e.g. a 997 we produced) back with the library's own reader and envelope validator, so
/// tests can assert on its segments and that its envelopes are valid.
/// </summary>
internal sealed class X12Document : IEnvelopeHandler
{
    private X12Document()
    {
    }

    public List<string[]> Segments { get; } = [];

    public List<TransactionSetOutcome> Sets { get; } = [];

    public List<FunctionalGroupOutcome> Groups { get; } = [];

    public List<InterchangeOutcome> Interchanges { get; } = [];

    public X12Separators Separators { get; private set; }

    public static X12Document Parse(string text)
    {
        var document = new X12Document();
        var validator = new EnvelopeValidator(document);
        using var reader = new X12Reader(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        while (reader.Read())
        {
            var segment = reader.Current;
            document.Separators = segment.Separators;
            var elements = new string[segment.ElementCount + 1];
            for (var i = 0; i <= segment.ElementCount; i++)
            {
                elements[i] = segment.GetString(i) ?? string.Empty;
            }

            document.Segments.Add(elements);
            validator.Accept(segment);
        }

        validator.Complete();
        return document;
    }

    /// <summary>Segments with this id, each joined with '*' for readable assertions, e.g. "AK5*R*4".</summary>
    public List<string> All(string id) => Segments.Where(s => s[0] == id).Select(s => string.Join('*', s)).ToList();

    public string Single(string id) => Assert.Single(All(id));

    /// <summary>True when every envelope in the document is intact: all sets and groups accepted, no interchange notes.</summary>
    public bool EnvelopesAreValid =>
        Sets.All(s => s.Errors.Count == 0) && Groups.All(g => g.Errors.Count == 0) && Interchanges.All(i => i.Notes.Count == 0);

    void IEnvelopeHandler.InterchangeStarted(InterchangeHeader header)
    {
    }

    bool IEnvelopeHandler.GroupStarted(FunctionalGroupHeader header) => true;

    void IEnvelopeHandler.TransactionSetStarted(TransactionSetHeader header)
    {
    }

    void IEnvelopeHandler.TransactionSetSegment(X12Segment segment, int positionInSet)
    {
    }

    TransactionSetContentResult IEnvelopeHandler.TransactionSetEnded(TransactionSetHeader header, IReadOnlyList<TransactionSetErrorCode> envelopeErrors) =>
        TransactionSetContentResult.Clean;

    void IEnvelopeHandler.TransactionSetCompleted(TransactionSetOutcome outcome) => Sets.Add(outcome);

    void IEnvelopeHandler.GroupEnded(FunctionalGroupOutcome outcome) => Groups.Add(outcome);

    void IEnvelopeHandler.InterchangeEnded(InterchangeOutcome outcome) => Interchanges.Add(outcome);
}
