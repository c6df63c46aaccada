namespace Exchange.DevCertificates;

/// <summary>exchange-dev-certificates OUTPUT_DIR [--include-test-certificates]: see scripts/dev-certificates and docs/security.md.</summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        var includeTests = args.Contains("--include-test-certificates");
        var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        var unknown = args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a != "--include-test-certificates").ToList();
        if (positional.Count != 1 || unknown.Count > 0 || args.Contains("--help"))
        {
            Console.Error.WriteLine("usage: exchange-dev-certificates OUTPUT_DIR [--include-test-certificates]");
            Console.Error.WriteLine("  Creates a DEVELOPMENT root CA and certificates for nodes node-nl and node-be, filers post-nl,");
            Console.Error.WriteLine("  swift-express and parcel-direct, officer anna and agency food-safety (PEM + key PEM + PFX, no password).");
            Console.Error.WriteLine("  --include-test-certificates  also an expired filer certificate and one from an untrusted 'stranger' CA.");
            return 2;
        }
        var output = Path.GetFullPath(positional[0]);
        Console.WriteLine($"Issuing development certificates into {output}");
        var set = DevelopmentCertificates.Create(DateTimeOffset.UtcNow, includeTests, Console.WriteLine);
        set.Write(output, Console.WriteLine);
        Console.WriteLine($"Done: {set.Issued.Count} certificates. Keys and PFX files are readable by you only (0600); PFX files have no password.");
        Console.WriteLine("These are for development: never trust ca.crt.pem outside your machine.");
        return 0;
    }
}
