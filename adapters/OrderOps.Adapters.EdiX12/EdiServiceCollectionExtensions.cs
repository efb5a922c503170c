using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrderOps.Adapters.EdiX12.Configuration;
using OrderOps.Adapters.EdiX12.Intake;
using OrderOps.Adapters.EdiX12.Notifications;
using OrderOps.Adapters.EdiX12.Processing;
using OrderOps.Core.Ingest;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.EdiX12;

public static class EdiServiceCollectionExtensions
{
    /// <summary>
    /// Registers the EDI channel from <c>Channels:Edi</c>. Without that section the channel is off (the intake answers
    /// that it is not configured); with a section that is invalid, start-up fails with every problem listed. The
    /// channel notifier (855/856 to the <c>edi-outbox</c>) is registered either way, so an EDI order whose partner is
    /// not configured shows up as a failed notification rather than as a missing notifier; it needs the storage
    /// backend's <see cref="OrderOps.Core.Ports.IOutboundDocuments"/> and checkpoints and a <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddEdiChannel(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(EdiOptions.SectionName);
        var options = section.Get<EdiOptions>() ?? new EdiOptions();
        if (section.Exists() && options.Partners.Count > 0 && options.Validate() is { Count: > 0 } problems)
        {
            throw new InvalidOperationException("Invalid EDI settings: " + string.Join(" ", problems));
        }

        services.AddSingleton(options);
        services.AddSingleton<PersistentControlNumbers>();
        services.AddSingleton<EdiIntake>();
        services.AddSingleton<IChannelNotifier, EdiChannelNotifier>();
        if (options.Partners.Count > 0)
        {
            services.AddSingleton<IChannelOrderMapper>(new EdiChannelOrderMapper(options));
        }

        return services;
    }
}
