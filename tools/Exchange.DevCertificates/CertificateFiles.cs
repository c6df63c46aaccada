using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Exchange.DevCertificates;

/// <summary>Writes a certificate as PEM (certificate, key) and as a PFX without a password. Keys and PFX files are 0600.</summary>
public static class CertificateFiles
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Readable = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Writes NAME.crt.pem, and when the certificate has its key, NAME.key.pem and NAME.pfx. Returns the paths written.</summary>
    public static IReadOnlyList<string> Write(string directory, string name, X509Certificate2 certificate)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        var certificatePath = Path.Combine(directory, name + ".crt.pem");
        WriteFile(certificatePath, Encoding.ASCII.GetBytes(certificate.ExportCertificatePem() + "\n"), Readable);
        written.Add(certificatePath);
        if (!certificate.HasPrivateKey)
        {
            return written;
        }
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("Only ECDSA keys are issued.");
        var keyPath = Path.Combine(directory, name + ".key.pem");
        WriteFile(keyPath, Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem() + "\n"), OwnerOnly);
        written.Add(keyPath);
        var pfxPath = Path.Combine(directory, name + ".pfx");
        WriteFile(pfxPath, certificate.Export(X509ContentType.Pkcs12), OwnerOnly);
        written.Add(pfxPath);
        return written;
    }

    private static void WriteFile(string path, byte[] content, UnixFileMode mode)
    {
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }
        using (var stream = new FileStream(path, options))
        {
            stream.Write(content);
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode); // the umask may have narrowed UnixCreateMode; never widened
        }
    }
}
