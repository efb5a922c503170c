using OrderOps.Adapters.EdiX12.Configuration;
using OrderOps.Adapters.EdiX12.Notifications;
using OrderOps.Adapters.EdiX12.Processing;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Storage.Embedded;
using OrderOps.Storage.Embedded.Files;
using OrderOps.Storage.Embedded.Keys;

namespace OrderOps.Adapters.EdiX12.Tests.Support;

/// <summary>The EDI notifier on the embedded backend's real outbox folder and checkpoint store, with a settable clock.</summary>
internal sealed class NotifierRig : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orderops-edi-notifier", Guid.NewGuid().ToString("N"));
    private readonly SqliteDatabase _database;

    public NotifierRig(EdiOptions? options = null)
    {
        Options = options ?? Fixture.XyzOptions();
        _database = new SqliteDatabase(new EmbeddedStorageOptions { DataDirectory = _directory });
        ControlNumbers = new PersistentControlNumbers(new SqliteCheckpointStore(_database, Time));
        Outbox = new FolderOutboundDocuments(new EmbeddedStorageOptions { DataDirectory = _directory });
        Notifier = new EdiChannelNotifier(Options, ControlNumbers, Outbox, Time);
    }

    public SettableTime Time { get; } = new(Run.Now);

    public EdiOptions Options { get; }

    public PersistentControlNumbers ControlNumbers { get; }

    public IOutboundDocuments Outbox { get; }

    public EdiChannelNotifier Notifier { get; }

    /// <summary>The partner's folder in the outbox.</summary>
    public string Folder(string partnerId = Fixture.XyzPartner) => Path.Combine(_directory, "blobs", "edi-outbox", partnerId);

    /// <summary>The names of the documents in the partner's folder, sorted.</summary>
    public List<string> Documents(string partnerId = Fixture.XyzPartner) =>
        Directory.Exists(Folder(partnerId)) ? Directory.GetFiles(Folder(partnerId)).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToList() : [];

    public string Text(string name, string partnerId = Fixture.XyzPartner) => File.ReadAllText(Path.Combine(Folder(partnerId), name));

    public X12Document Read(string name, string partnerId = Fixture.XyzPartner) => X12Document.Parse(Text(name, partnerId));

    /// <summary>The order the published 850 (or another fixture) maps to for this rig's partner.</summary>
    public CanonicalOrder Order(string fixture = "x12_nodex12_850.edi") => Assert.Single(Run.Process(Fixture.Text(fixture), Options).Orders);

    public void Dispose()
    {
        ControlNumbers.Dispose();
        _database.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
