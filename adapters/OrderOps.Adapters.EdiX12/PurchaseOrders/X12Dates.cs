using System.Buffers.Text;

namespace OrderOps.Adapters.EdiX12.PurchaseOrders;

/// <summary>
/// X12 date (DT, CCYYMMDD) and time (TM, HHMM[SS[d..]]) elements. X12 carries no time zone in BEG/GS/DTM (DTM04 is
/// rarely sent); OrderOps reads them as UTC, which is documented in the channel notes.
/// </summary>
internal static class X12Dates
{
    public static bool TryParseDate(ReadOnlySpan<byte> value, out DateOnly date)
    {
        date = default;
        return value.Length == 8
            && TryDigits(value[..4], out var year) && TryDigits(value.Slice(4, 2), out var month) && TryDigits(value.Slice(6, 2), out var day)
            && year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            && SetDate(new DateOnly(year, month, day), out date);
    }

    public static bool TryParseTime(ReadOnlySpan<byte> value, out TimeOnly time)
    {
        time = default;
        if (value.Length < 4 || !TryDigits(value[..2], out var hour) || !TryDigits(value.Slice(2, 2), out var minute))
        {
            return false;
        }

        var second = 0;
        if (value.Length >= 6 && !TryDigits(value.Slice(4, 2), out second))
        {
            return false;
        }

        if (hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        time = new TimeOnly(hour, minute, second);
        return true;
    }

    public static DateTimeOffset AtUtc(DateOnly date, TimeOnly time) => new(date.ToDateTime(time), TimeSpan.Zero);

    private static bool SetDate(DateOnly value, out DateOnly date)
    {
        date = value;
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return Utf8Parser.TryParse(digits, out value, out var consumed) && consumed == digits.Length;
    }
}
