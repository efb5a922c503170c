namespace OrderOps.Core.Ingest;

/// <summary>
/// What the ingest queue carries: a claim check for an archived payload, never the payload itself
/// (Shopify bodies can be megabytes; Service Bus messages should stay small).
/// </summary>
public sealed record IngestMessage(string ArchiveId, string Channel, string Kind);
