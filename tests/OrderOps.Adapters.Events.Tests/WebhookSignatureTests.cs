using System.Text;
using OrderOps.Adapters.Events;

namespace OrderOps.Adapters.Events.Tests;

public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec-test-secret-0001";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"id\":\"e1\"}");
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1700000000);

    [Fact]
    public void The_header_is_the_hex_hmac_of_timestamp_dot_body_as_openssl_computes_it()
    {
        // printf '1700000000.{"id":"e1"}' | openssl dgst -sha256 -hmac "whsec-test-secret-0001"
        Assert.Equal("t=1700000000,v1=7585d1d9aa73d14ad7032c897fb8a2f57fb929e7d4f40bf379ef48bc1bddfc1f", WebhookSignature.Create(Secret, At, Body));
    }

    [Fact]
    public void A_receiver_accepts_it_and_rejects_another_body_secret_or_an_old_timestamp()
    {
        var header = WebhookSignature.Create(Secret, At, Body);

        Assert.True(WebhookSignature.Verify(Secret, header, Body, At.AddMinutes(4), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(Secret, header, Encoding.UTF8.GetBytes("{\"id\":\"e2\"}"), At, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("another-secret-000000", header, Body, At, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(Secret, header, Body, At.AddMinutes(6), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(Secret, "t=1700000000,v1=zz", Body, At, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(Secret, null, Body, At, TimeSpan.FromMinutes(5)));
    }
}
