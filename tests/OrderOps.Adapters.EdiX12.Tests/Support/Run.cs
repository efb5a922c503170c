using OrderOps.Adapters.EdiX12.Configuration;
using OrderOps.Adapters.EdiX12.Processing;

namespace OrderOps.Adapters.EdiX12.Tests.Support;

internal static class Run
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 1, 2, 3, TimeSpan.Zero);

    public static EdiProcessingResult Process(string text, EdiOptions? options = null) =>
        new EdiInterchangeProcessor(options ?? Fixture.XyzOptions(), time: new FixedTime(Now)).Process(Fixture.Ascii(text));

    public static EdiInterchangeResult Single(string text, EdiOptions? options = null) => Assert.Single(Process(text, options).Interchanges);

    public static X12Document Acknowledgment(EdiInterchangeResult result)
    {
        Assert.NotNull(result.Acknowledgment);
        return X12Document.Parse(result.Acknowledgment);
    }
}
