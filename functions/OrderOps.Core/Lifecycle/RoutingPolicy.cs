using OrderOps.Core.Ports;

namespace OrderOps.Core.Lifecycle;

/// <summary>Decides which location ships which line. Pluggable: register another implementation to change it.</summary>
public interface IRoutingPolicy
{
    /// <summary>A plan covering every line, or null when the stock cannot cover the order.</summary>
    IReadOnlyList<PlannedLine>? Route(IReadOnlyList<(string LineId, string Sku, int Quantity)> lines, IReadOnlyList<StockLevel> availability);
}

/// <summary>
/// The one location that can ship everything (most stock left after, then lowest id, for determinism); otherwise a
/// greedy split that minimises shipments: repeatedly take the location that can ship the most remaining units, whole
/// lines first, splitting a line only when no location holds all of it.
/// </summary>
public sealed class MinimalShipmentsRoutingPolicy : IRoutingPolicy
{
    public IReadOnlyList<PlannedLine>? Route(IReadOnlyList<(string LineId, string Sku, int Quantity)> lines, IReadOnlyList<StockLevel> availability)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(availability);
        var available = availability.GroupBy(a => a.LocationId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.GroupBy(a => a.Sku, StringComparer.Ordinal).ToDictionary(s => s.Key, s => Math.Max(0, s.Sum(a => a.Available)), StringComparer.Ordinal), StringComparer.Ordinal);
        var locations = available.Keys.Order(StringComparer.Ordinal).ToList();
        var need = lines.GroupBy(l => l.Sku, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity), StringComparer.Ordinal);

        var single = locations
            .Where(l => need.All(n => available[l].GetValueOrDefault(n.Key) >= n.Value))
            .OrderByDescending(l => need.Sum(n => available[l].GetValueOrDefault(n.Key) - n.Value))
            .ThenBy(l => l, StringComparer.Ordinal)
            .FirstOrDefault();
        if (single is not null)
        {
            return lines.Select(l => new PlannedLine(l.LineId, l.Sku, single, l.Quantity)).ToList();
        }

        var plan = new List<PlannedLine>();
        var remaining = lines.Select(l => (l.LineId, l.Sku, Left: l.Quantity)).ToList();
        while (remaining.Any(r => r.Left > 0))
        {
            // The location that can fully ship the most remaining units; failing that, the most units at all.
            var best = locations
                .Select(l => (Location: l,
                    Whole: remaining.Where(r => r.Left > 0 && available[l].GetValueOrDefault(r.Sku) >= r.Left).Sum(r => r.Left),
                    Any: remaining.Where(r => r.Left > 0).Sum(r => Math.Min(r.Left, available[l].GetValueOrDefault(r.Sku)))))
                .OrderByDescending(x => x.Whole).ThenByDescending(x => x.Any).ThenBy(x => x.Location, StringComparer.Ordinal)
                .FirstOrDefault();
            if (best.Location is null || best.Any == 0)
            {
                return null;
            }

            for (var i = 0; i < remaining.Count; i++)
            {
                var (lineId, sku, left) = remaining[i];
                var have = available[best.Location].GetValueOrDefault(sku);
                var take = best.Whole > 0 ? (have >= left ? left : 0) : Math.Min(left, have);
                if (take <= 0)
                {
                    continue;
                }

                plan.Add(new PlannedLine(lineId, sku, best.Location, take));
                available[best.Location][sku] = have - take;
                remaining[i] = (lineId, sku, left - take);
            }
        }

        // In the order's line order, so releases (and their reverse compensations) follow the order as placed.
        var position = lines.Select((l, i) => (l.LineId, i)).ToDictionary(x => x.LineId, x => x.i, StringComparer.Ordinal);
        return plan.OrderBy(p => position.GetValueOrDefault(p.LineId)).ThenBy(p => p.LocationId, StringComparer.Ordinal).ToList();
    }
}
