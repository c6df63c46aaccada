using System.Text;

namespace Exchange.ContractDocs;

/// <summary>exchange-contract-docs IMAGE OUTPUT: writes the contract reference of a buf image to OUTPUT, and its standards mapping table beside it.</summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: exchange-contract-docs <image.binpb> <output.md>");
            Console.Error.WriteLine("  image.binpb: a buf image of protos/ with source info (npx buf build -o image.binpb)");
            return 2;
        }
        var image = ReferenceGenerator.ReadImage(args[0]);
        var markdown = ReferenceGenerator.Generate(image);
        var directory = Path.GetDirectoryName(Path.GetFullPath(args[1]));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        File.WriteAllText(args[1], markdown, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        Console.WriteLine($"Wrote {args[1]}");
        // The mapping table sits beside the reference: docs/contract/standards-mapping.csv.
        var csv = Path.Combine(directory ?? ".", ReferenceGenerator.MappingTableFileName);
        File.WriteAllText(csv, ReferenceGenerator.GenerateMappingTable(image), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        Console.WriteLine($"Wrote {csv}");
        return 0;
    }
}
