using Azure;
using Azure.Data.Tables;

namespace OrderOps.Storage.Azure.Lifecycle;

/// <summary>
/// The oldest due bucket that may still hold a timer: one row (<c>sweep</c> / <c>oldest-open-bucket</c>) the sweep
/// starts its range from. Empty (or missing) means "from the first bucket".
/// <para>
/// Only a sweep moves it forward, and only with <c>If-Match</c> on the ETag it read before its range query. A schedule
/// into a bucket a sweep may already have passed writes its due row first and then <see cref="CoverAsync"/>: it lowers
/// the marker to its bucket or, when the marker is already at or before it, rewrites the same value — either way the
/// ETag changes. So a sweep whose query ran before that due row existed cannot move the marker past it: its conditional
/// write fails (and the next sweep reads the row), or it succeeded first and the schedule then reads the moved marker
/// and lowers it again.
/// </para>
/// </summary>
internal sealed class SweepMarker(TableClient table)
{
    public const string Partition = "sweep";
    public const string Row = "oldest-open-bucket";
    private const string Bucket = nameof(Bucket);

    public async Task<(string From, ETag? ETag)> ReadAsync(CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition, Row, [Bucket], cancellationToken);
        return row.HasValue ? (row.Value!.GetString(Bucket) ?? string.Empty, row.Value.ETag) : (string.Empty, null);
    }

    /// <summary>Makes the marker at or before <paramref name="bucket"/> and changes its ETag (see the class comment).</summary>
    public async Task CoverAsync(string bucket, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (from, etag) = await ReadAsync(cancellationToken);
            try
            {
                if (etag is not { } ifMatch)
                {
                    // Missing: sweeps start from the first bucket. Creating it says no more than that.
                    await table.AddEntityAsync(Entity(string.Empty), cancellationToken);
                }
                else
                {
                    var lowered = string.CompareOrdinal(bucket, from) < 0 ? bucket : from;
                    await table.UpdateEntityAsync(Entity(lowered), ifMatch, TableUpdateMode.Replace, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // A sweep or another schedule changed it since the read: decide again on what it says now.
            }
        }
    }

    /// <summary>Moves the marker forward to <paramref name="to"/> unless it changed since <paramref name="read"/>; returns whether it moved.</summary>
    public async Task<bool> TryAdvanceAsync((string From, ETag? ETag) read, string to, CancellationToken cancellationToken)
    {
        if (string.CompareOrdinal(to, read.From) <= 0)
        {
            return false;
        }

        try
        {
            if (read.ETag is { } ifMatch)
            {
                await table.UpdateEntityAsync(Entity(to), ifMatch, TableUpdateMode.Replace, cancellationToken);
            }
            else
            {
                await table.AddEntityAsync(Entity(to), cancellationToken);
            }

            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false; // a schedule touched it meanwhile; the next sweep moves it
        }
    }

    private static TableEntity Entity(string bucket) => new(Partition, Row) { [Bucket] = bucket };
}
