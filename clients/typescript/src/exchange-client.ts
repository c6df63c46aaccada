// Opening clients of the node: gRPC over HTTP/2 (h2c for http:// addresses) with the caller's
// development identity on every call (a filer, a customs officer or an agency).
import { createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ConsignmentService } from "./gen/exchange/declaration/v1/consignment_service_pb";
import { DataSetService } from "./gen/exchange/declaration/v1/data_set_service_pb";
import { DeclarationService } from "./gen/exchange/declaration/v1/declaration_service_pb";
import { RevenueService } from "./gen/exchange/declaration/v1/revenue_service_pb";
import { AgencyService } from "./gen/exchange/enforcement/v1/agency_service_pb";
import { EnforcementService } from "./gen/exchange/enforcement/v1/enforcement_service_pb";

export type ExchangeClient = Client<typeof DeclarationService>;

/** The carrier's side: master consignments (beta). */
export type ConsignmentClient = Client<typeof ConsignmentService>;

/** A client of DataSetService (beta): profiles and each standard's data set of a declaration. */
export type DataSetClient = Client<typeof DataSetService>;

/** A client of RevenueService (beta): the duty assessment of an arrived declaration and the payer's payments. */
export type RevenueClient = Client<typeof RevenueService>;

/** The customs officer's side: review, decisions, control results and dispositions. */
export type EnforcementClient = Client<typeof EnforcementService>;

/** A partner government agency's side: subscriptions, its holds, requests to the filer and decisions. */
export type AgencyClient = Client<typeof AgencyService>;

/** The development authentication header the node reads the calling filer from. */
export const filerHeader = "x-exchange-filer";

/** The development authentication header the node reads the calling officer from. */
export const officerHeader = "x-exchange-officer";

/** The development authentication header the node reads the calling agency from. */
export const agencyHeader = "x-exchange-agency";

/** `filers/{filer}`: the parent every request of the filer names. */
export function filerParent(filer: string): string {
  return `filers/${filer}`;
}

/**
 * A client of the node at `server` (e.g. http://127.0.0.1:5080) calling as `filer`. The same
 * transport serves unary calls and the server-, client- and bidirectional streams.
 */
export function createExchangeClient(server: string, filer: string): ExchangeClient {
  return createClient(DeclarationService, transportAs(server, filerHeader, filer));
}

/** A DataSetService client of the node at `server` calling as `filer`. */
export function createDataSetClient(server: string, filer: string): DataSetClient {
  return createClient(DataSetService, transportAs(server, filerHeader, filer));
}

/** A ConsignmentService client of the node at `server` calling as `carrier` (a filer). */
export function createConsignmentClient(server: string, carrier: string): ConsignmentClient {
  return createClient(ConsignmentService, transportAs(server, filerHeader, carrier));
}

/** A RevenueService client of the node at `server` calling as `filer` (the declaration's filer or its carrier). */
export function createRevenueClient(server: string, filer: string): RevenueClient {
  return createClient(RevenueService, transportAs(server, filerHeader, filer));
}

/** An EnforcementService client of the node at `server` calling as the customs officer `officer`. */
export function createEnforcementClient(server: string, officer: string): EnforcementClient {
  return createClient(EnforcementService, transportAs(server, officerHeader, officer));
}

/** An AgencyService client of the node at `server` calling as the agency `agency`. */
export function createAgencyClient(server: string, agency: string): AgencyClient {
  return createClient(AgencyService, transportAs(server, agencyHeader, agency));
}

function transportAs(server: string, header: string, id: string) {
  const identify: Interceptor = (next) => (request) => {
    request.header.set(header, id);
    return next(request);
  };
  return createGrpcTransport({ baseUrl: server, interceptors: [identify] });
}
