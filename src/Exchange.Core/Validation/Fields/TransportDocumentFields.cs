using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// The transport document: an S10 item identifier is verified whatever the channel (UPU S10; the
/// contract: "The check digit is verified"); waybill numbers are WCO DM D023, an..70. Which of them
/// the channel requires is <see cref="ChannelTransportDocumentRule"/>.
/// </summary>
internal static class TransportDocumentFields
{
    public static void Check(TransportDocument document, string path, ViolationList violations)
    {
        if (document.ItemIdentifier.Length > 0 && S10ItemIdentifier.Check(document.ItemIdentifier) is { } s10Problem)
        {
            violations.Add(path + ".item_identifier", s10Problem);
        }

        TextValues.Optional(document.HouseWaybill, 70, path + ".house_waybill", violations);
        TextValues.Optional(document.MasterWaybill, 70, path + ".master_waybill", violations);

        // WCO DM D024 transport document type, an4 (ICS2 code list CL754 at house level).
        if (document.HouseDocumentType.Length > 0 && CodeValues.Check(document.HouseDocumentType, 1, 4, "N741") is { } typeProblem)
        {
            violations.Add(path + ".house_document_type", typeProblem);
        }
    }
}
