using FsCheck.Xunit;
using OrderOps.Adapters.EdiX12.Envelopes;

namespace OrderOps.Adapters.EdiX12.Tests;

public sealed class ControlNumberSetTests
{
    [Fact]
    public void Numbers_of_different_width_are_different_control_numbers()
    {
        var set = new ControlNumberSet();
        Assert.True(set.Add("0001"));
        Assert.True(set.Add("001"));
        Assert.False(set.Add("0001"));
        Assert.True(set.Add("AB12"));
        Assert.False(set.Add("AB12"));
    }

    /// <summary>The range structure answers exactly like a plain set of strings, in any insertion order.</summary>
    [Property(MaxTest = 300)]
    public bool Behaves_like_a_hash_set(ushort[] numbers, bool pad)
    {
        var set = new ControlNumberSet();
        var reference = new HashSet<string>(StringComparer.Ordinal);
        foreach (var number in numbers)
        {
            var text = pad ? number.ToString("D9", System.Globalization.CultureInfo.InvariantCulture) : (number % 50).ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
            if (set.Add(text) != reference.Add(text))
            {
                return false;
            }
        }

        return true;
    }
}
