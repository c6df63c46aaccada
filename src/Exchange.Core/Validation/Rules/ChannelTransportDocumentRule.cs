using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// The channel decides the transport document: a postal item is identified by its UPU S10 item
/// identifier (UPU Convention; ICS2 IE3F4x postal filings), an express or cargo consignment by its
/// house waybill (ICS2 IE3F3x express filings; WCO DM D023). The S10 format itself is checked by
/// <see cref="TransportDocumentFields"/> on every channel.
/// </summary>
internal static class ChannelTransportDocumentRule
{
    public static void Check(Declaration d, string path, ViolationList violations)
    {
        if (d.TransportDocument is not { } document)
        {
            return;
        }

        var documentPath = path + ".transport_document";
        switch (d.Channel)
        {
            case Channel.Postal when string.IsNullOrWhiteSpace(document.ItemIdentifier):
                violations.Required(documentPath + ".item_identifier",
                    "the UPU S10 item identifier on the CHANNEL_POSTAL channel, e.g. RB123456785GB");
                break;
            case Channel.Express or Channel.Cargo when string.IsNullOrWhiteSpace(document.HouseWaybill):
                violations.Required(documentPath + ".house_waybill",
                    $"the house waybill number on the {(d.Channel == Channel.Express ? "CHANNEL_EXPRESS" : "CHANNEL_CARGO")} channel");
                break;
        }
    }
}
