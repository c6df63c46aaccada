using Exchange.Core.Declarations;
using Exchange.Core.Duties;
using Exchange.Core.Enforcement;
using Exchange.Core.Events;
using Exchange.Core.Monetary;
using Exchange.Core.Profiles;
using Exchange.Core.Risk;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Hosting;

/// <summary>
/// Wires assessment and enforcement: the administration's rule files, the risk engine, duty
/// estimates, the registries, the officers' and agencies' workflow, and the background assessor.
/// </summary>
public static class EnforcementRegistration
{
    public static IServiceCollection AddExchangeEnforcement(this IServiceCollection services)
    {
        services.AddSingleton(provider => Settings(provider) is { ExchangeRatesFile.Length: > 0 } s
            ? ExchangeRatesLoader.Parse(File.ReadAllText(s.ExchangeRatesFile), s.ExchangeRatesFile)
            : ExchangeRatesLoader.Default);
        services.AddSingleton(provider => Settings(provider) is { RiskRulesFile.Length: > 0 } s
            ? RuleSet.Parse(File.ReadAllText(s.RiskRulesFile), s.RiskRulesFile)
            : RuleSet.Default);
        services.AddSingleton(provider => Settings(provider) is { TariffProfileFile.Length: > 0 } s
            ? TariffProfile.Parse(File.ReadAllText(s.TariffProfileFile), s.TariffProfileFile)
            : TariffProfile.Default);
        services.AddSingleton<RiskEngine>();
        services.AddSingleton(provider => Settings(provider) is { DataSetProfilesDirectory.Length: > 0 } s
            ? DataSetProfiles.Load(s.DataSetProfilesDirectory)
            : DataSetProfiles.BuiltIn);
        services.AddSingleton(provider =>
        {
            var problems = new List<string>();
            var required = Settings(provider).RequiredProfiles.ToDictionary(e => e.Key, e => (IReadOnlyList<string>)e.Value, StringComparer.OrdinalIgnoreCase);
            return ProfileEnforcement.Configure(provider.GetRequiredService<DataSetProfiles>(), required, "Exchange:Assessment:RequiredProfiles", problems)
                ?? throw new SettingsException($"Invalid settings: {string.Join("; ", problems)}.");
        });
        services.AddSingleton<DataSetWorkflow>();
        services.AddSingleton<DutyCalculator>();
        // Both registries are read by every assessment from a copy that a change on any node
        // drops: announced on the event signal, which spans the nodes when they share Redis.
        services.AddSingleton(provider => new KnownShipperRegistry(
            provider.GetRequiredService<Core.Storage.IRegistryStore>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<WorkflowOptions>().AdministrationCountryCode,
            provider.GetRequiredService<IEventSignal>(),
            Settings(provider).ReferenceDataLifetime));
        services.AddSingleton(provider => new AgencySubscriptions(
            provider.GetRequiredService<Core.Storage.IRegistryStore>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IEventSignal>(),
            Settings(provider).ReferenceDataLifetime));
        // How and within how long the parties may appeal a disposition: the administration's own law.
        services.AddOptions<DispositionOptions>().BindConfiguration(DispositionSection).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DispositionOptions>, DispositionOptionsValidation>();
        services.AddSingleton(provider => provider.GetRequiredService<IOptions<DispositionOptions>>().Value);
        services.AddSingleton<EnforcementWorkflow>();
        services.AddSingleton<WorkPulse>();
        services.AddSingleton(provider => new AssessmentOptions
        {
            Delay = Settings(provider).Delay,
            BatchSize = Settings(provider).BatchSize,
            PollInterval = Settings(provider).PollInterval,
        });
        services.AddSingleton<Assessor>();
        services.AddHostedService<AssessorService>();
        return services;
    }

    /// <summary>
    /// Reads every rule file now, so a wrong one stops the node at start-up with all its problems
    /// listed, rather than at the first assessment.
    /// </summary>
    public static void LoadRuleFiles(IServiceProvider services)
    {
        services.GetRequiredService<ExchangeRates>();
        services.GetRequiredService<RiskEngine>();
        services.GetRequiredService<DataSetProfiles>();
        services.GetRequiredService<ProfileEnforcement>();
        services.GetRequiredService<DutyCalculator>();
    }

    public const string DispositionSection = "Exchange:Disposition";

    /// <summary>Every problem of the disposition options, in one start-up failure.</summary>
    private sealed class DispositionOptionsValidation : IValidateOptions<DispositionOptions>
    {
        public ValidateOptionsResult Validate(string? name, DispositionOptions options) =>
            options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }

    private static AssessmentSettings Settings(IServiceProvider provider) =>
        provider.GetRequiredService<IOptions<ExchangeOptions>>().Value.Assessment;
}
