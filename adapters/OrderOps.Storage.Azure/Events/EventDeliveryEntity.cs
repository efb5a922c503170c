using System.Text;
using Azure;
using Azure.Data.Tables;
using OrderOps.Core.Events;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Azure.Events;

/// <summary>One (subscriber, event) row of the event outbox table. Data longer than one Table property holds is split.</summary>
internal static class EventDeliveryEntity
{
    /// <summary>Table storage keeps at most 64 KiB per string property (UTF-16): 30,000 characters leaves room.</summary>
    private const int ChunkChars = 30_000;

    public const string SubscribersPartition = "!subscribers";

    /// <summary>Subject and position order the rows; the save attempt keeps two racing saves' rows apart (only the winner's confirm).</summary>
    public static string Row(string subject, string position, string attempt) => TableKeys.Escape(subject) + "|" + TableKeys.Escape(position) + "|" + attempt;

    public static TableEntity Create(string subscriber, string source, OutboundEvent e, string attempt, DateTimeOffset now)
    {
        var entity = new TableEntity(TableKeys.Escape(subscriber), Row(e.Subject, e.Position, attempt))
        {
            ["Subscriber"] = subscriber,
            ["Source"] = source,
            ["Subject"] = e.Subject,
            ["Position"] = e.Position,
            ["EventId"] = e.Id,
            ["Type"] = e.Type,
            ["Time"] = e.Time.ToUnixTimeMilliseconds(),
            ["CommittedAt"] = now.ToUnixTimeMilliseconds(),
            ["DueAt"] = now.ToUnixTimeMilliseconds(),
            ["Attempts"] = 0,
            ["Parked"] = false,
            ["Confirmed"] = false,
        };
        var chunks = e.Data.Chunk(ChunkChars).Select(c => new string(c)).ToList();
        entity["DataChunks"] = Math.Max(1, chunks.Count);
        for (var i = 0; i < chunks.Count; i++)
        {
            entity[i == 0 ? "Data" : $"Data{i}"] = chunks[i];
        }

        if (chunks.Count == 0)
        {
            entity["Data"] = string.Empty;
        }

        return entity;
    }

    public static EventDelivery Read(TableEntity entity)
    {
        var chunks = entity.GetInt32("DataChunks") ?? 1;
        var data = new StringBuilder(entity.GetString("Data"));
        for (var i = 1; i < chunks; i++)
        {
            data.Append(entity.GetString($"Data{i}"));
        }

        return new EventDelivery
        {
            Subscriber = entity.GetString("Subscriber"),
            Event = new OutboundEvent
            {
                Id = entity.GetString("EventId"),
                Type = entity.GetString("Type"),
                Subject = entity.GetString("Subject"),
                Position = entity.GetString("Position"),
                Time = DateTimeOffset.FromUnixTimeMilliseconds(entity.GetInt64("Time") ?? 0),
                Data = data.ToString(),
            },
            CommittedAt = DateTimeOffset.FromUnixTimeMilliseconds(entity.GetInt64("CommittedAt") ?? 0),
            DueAt = DateTimeOffset.FromUnixTimeMilliseconds(entity.GetInt64("DueAt") ?? 0),
            Attempts = entity.GetInt32("Attempts") ?? 0,
            Parked = entity.GetBoolean("Parked") ?? false,
            LastError = entity.GetString("LastError"),
            StoreKey = entity.RowKey,
        };
    }

    public static bool IsConfirmed(TableEntity entity) => entity.GetBoolean("Confirmed") ?? false;

    public static string Source(TableEntity entity) => entity.GetString("Source") ?? string.Empty;

    public static ETag ETagOf(TableEntity entity) => entity.ETag;
}
