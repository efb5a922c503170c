using System.Text;
using OrderOps.Adapters.Shopify.Webhooks;

namespace OrderOps.Adapters.Shopify.Tests;

public class ShopifyWebhookSignatureTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"id\":1}");

    // printf '{"id":1}' | openssl dgst -sha256 -hmac "hush" -binary | base64
    private const string OpenSslSignature = "VnKUjZsLuN5iZWjn5EntcBVCF9kMN43LglzCE1/GSeY=";

    [Fact]
    public void Accepts_the_signature_openssl_computes()
    {
        Assert.True(ShopifyWebhookSignature.IsValid(Body, OpenSslSignature, ["hush"]));
        Assert.Equal(OpenSslSignature, ShopifyWebhookSignature.Sign(Body, "hush"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("WnKUjZsLuN5iZWjn5EntcBVCF9kMN43LglzCE1/GSeY=")]
    [InlineData("dGVzdA==")]
    public void Rejects_missing_malformed_or_wrong_signatures(string? header)
    {
        Assert.False(ShopifyWebhookSignature.IsValid(Body, header, ["hush"]));
    }

    [Fact]
    public void Rejects_a_body_changed_by_one_byte()
    {
        Assert.False(ShopifyWebhookSignature.IsValid(Encoding.UTF8.GetBytes("{\"id\":2}"), OpenSslSignature, ["hush"]));
    }

    [Fact]
    public void Accepts_either_secret_during_a_rotation_and_none_without_secrets()
    {
        Assert.True(ShopifyWebhookSignature.IsValid(Body, OpenSslSignature, ["new-secret", "hush"]));
        Assert.False(ShopifyWebhookSignature.IsValid(Body, OpenSslSignature, []));
    }

    [Theory]
    [InlineData("orders/create", true)]
    [InlineData("orders/partially_fulfilled", true)]
    [InlineData("app/uninstalled", true)]
    [InlineData("orders", false)]
    [InlineData("orders/create/x", false)]
    [InlineData("Orders/Create", false)]
    [InlineData("", false)]
    public void Recognises_well_formed_topics(string topic, bool wellFormed)
    {
        Assert.Equal(wellFormed, ShopifyTopics.IsWellFormed(topic));
    }
}
