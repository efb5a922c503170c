namespace OrderOps.Adapters.EdiX12.Envelopes;

/// <summary>
/// The set control numbers (ST02) seen in one functional group, to find repeats. Senders number sets
/// sequentially, so numeric control numbers are kept as ranges: memory stays constant for a group of any size
/// numbered in runs, instead of one string per set. Non-numeric numbers (rare) are kept as strings.
/// </summary>
internal sealed class ControlNumberSet
{
    // Keyed by text length too, because "0001" and "001" are different control numbers.
    private readonly Dictionary<int, List<(long First, long Last)>> _rangesByLength = [];
    private HashSet<string>? _others;

    /// <summary>Adds the number; false when it was already there.</summary>
    public bool Add(string controlNumber)
    {
        if (controlNumber.Length is 0 or > 18 || !long.TryParse(controlNumber, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            _others ??= new HashSet<string>(StringComparer.Ordinal);
            return _others.Add(controlNumber);
        }

        if (!_rangesByLength.TryGetValue(controlNumber.Length, out var ranges))
        {
            ranges = [];
            _rangesByLength[controlNumber.Length] = ranges;
        }

        return AddToRanges(ranges, number);
    }

    /// <summary>Ranges are sorted and disjoint; adding merges neighbours so sequential numbering stays one range.</summary>
    private static bool AddToRanges(List<(long First, long Last)> ranges, long number)
    {
        // Fast path: the next number of the last run.
        if (ranges.Count > 0 && ranges[^1].Last == number - 1)
        {
            ranges[^1] = (ranges[^1].First, number);
            return true;
        }

        var low = 0;
        var high = ranges.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (number < ranges[middle].First)
            {
                high = middle - 1;
            }
            else if (number > ranges[middle].Last)
            {
                low = middle + 1;
            }
            else
            {
                return false;
            }
        }

        // low is where a range starting at number would go.
        var joinsPrevious = low > 0 && ranges[low - 1].Last == number - 1;
        var joinsNext = low < ranges.Count && ranges[low].First == number + 1;
        if (joinsPrevious && joinsNext)
        {
            ranges[low - 1] = (ranges[low - 1].First, ranges[low].Last);
            ranges.RemoveAt(low);
        }
        else if (joinsPrevious)
        {
            ranges[low - 1] = (ranges[low - 1].First, number);
        }
        else if (joinsNext)
        {
            ranges[low] = (number, ranges[low].Last);
        }
        else
        {
            ranges.Insert(low, (number, number));
        }

        return true;
    }
}
