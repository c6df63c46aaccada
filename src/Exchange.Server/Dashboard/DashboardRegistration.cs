namespace Exchange.Server.Dashboard;

/// <summary>Serves the performance dashboard page (placeholder until the dashboard lands).</summary>
public static class DashboardRegistration
{
    public static WebApplication MapExchangeDashboard(this WebApplication app) => app;
}
