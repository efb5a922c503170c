using System.Globalization;
using Azure.Data.Tables;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Azure.Lifecycle;

/// <summary>The keys and properties of the <c>duetimers</c> table's rows (the layout is described on <see cref="TableTimerStore"/>).</summary>
internal static class TimerRows
{
    /// <summary>Prefix of the due-bucket partitions; sorts before <c>id|</c>, <c>order|</c> and <c>sweep</c>, so a range over it reads nothing else.</summary>
    public const string DuePrefix = "due|";

    public const string CurrentRowKey = "timer";

    public const string TimerId = nameof(TimerId);
    public const string OrderId = nameof(OrderId);
    public const string Kind = nameof(Kind);
    public const string DueTicks = nameof(DueTicks);
    public const string DuePartitionKey = nameof(DuePartitionKey);
    public const string DueRowKey = nameof(DueRowKey);

    /// <summary>UTC ticks of the write, by the writer's clock: how old a row the reads ignore is (see <see cref="TableTimerStore.AbandonedAfter"/>).</summary>
    public const string Written = nameof(Written);

    /// <summary>The UTC minute a timer is due in, <c>yyyyMMddHHmm</c>: ordinal order is time order.</summary>
    public static string Bucket(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    public static string DuePartition(string bucket) => DuePrefix + bucket;

    /// <summary><c>{due UTC ticks:D19}|{timer id}</c>: rows of a bucket come back earliest first, ties by id.</summary>
    public static string DueRow(DateTimeOffset dueAt, string timerId) =>
        Ticks(dueAt.UtcTicks) + "|" + TableKeys.Escape(timerId);

    public static string Ticks(long ticks) => ticks.ToString("D19", CultureInfo.InvariantCulture);

    public static string CurrentPartition(string timerId) => "id|" + TableKeys.Escape(timerId);

    public static string OrderPartition(string orderId) => "order|" + TableKeys.Escape(orderId);

    public static string OrderRow(string timerId) => TableKeys.Escape(timerId);

    /// <summary>The row in the timer's due bucket: what the sweep's range query finds.</summary>
    public static TableEntity Due(DueTimer timer, DateTimeOffset written) =>
        Describe(new TableEntity(DuePartition(Bucket(timer.DueAt)), DueRow(timer.DueAt, timer.TimerId)), timer, written);

    /// <summary>The row that says where the timer is now: the one write that makes a schedule count.</summary>
    public static TableEntity Current(DueTimer timer, DateTimeOffset written)
    {
        var entity = Describe(new TableEntity(CurrentPartition(timer.TimerId), CurrentRowKey), timer, written);
        entity[DuePartitionKey] = DuePartition(Bucket(timer.DueAt));
        entity[DueRowKey] = DueRow(timer.DueAt, timer.TimerId);
        return entity;
    }

    /// <summary>The order's index row: only names the timer; its schedule is read from the current row.</summary>
    public static TableEntity Order(DueTimer timer, DateTimeOffset written) =>
        new(OrderPartition(timer.OrderId), OrderRow(timer.TimerId)) { [TimerId] = timer.TimerId, [Written] = written.UtcTicks };

    /// <summary>Whether <paramref name="row"/> (a due-bucket row) is where the timer's current row says the timer is.</summary>
    public static bool IsWhereCurrentPoints(TableEntity row, TableEntity? current) =>
        current is not null
        && current.GetString(DuePartitionKey) == row.PartitionKey
        && current.GetString(DueRowKey) == row.RowKey;

    public static DueTimer ToTimer(TableEntity current) => new(
        current.GetString(TimerId),
        current.GetString(OrderId),
        current.GetString(Kind),
        new DateTimeOffset(current.GetInt64(DueTicks) ?? 0, TimeSpan.Zero));

    /// <summary>A row no completed call refers to, written longer ago than <paramref name="after"/>: no write in flight will still commit it.</summary>
    public static bool IsAbandoned(TableEntity row, DateTimeOffset now, TimeSpan after) =>
        row.GetInt64(Written) is not { } written || now.UtcTicks - written > after.Ticks;

    private static TableEntity Describe(TableEntity entity, DueTimer timer, DateTimeOffset written)
    {
        entity[TimerId] = timer.TimerId;
        entity[OrderId] = timer.OrderId;
        entity[Kind] = timer.Kind;
        entity[DueTicks] = timer.DueAt.UtcTicks;
        entity[Written] = written.UtcTicks;
        return entity;
    }
}
