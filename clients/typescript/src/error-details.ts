// Decoding the Exchange's rich errors: a google.rpc.Status carrying one google.rpc.ErrorInfo
// (the stable reason, see exchange.declaration.v1.ErrorReason) and, for field problems, one
// google.rpc.BadRequest naming every violated field by its path.
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import type { ConnectError } from "@connectrpc/connect";
import {
  BadRequestSchema,
  ErrorInfoSchema,
  type BadRequest_FieldViolation,
  type ErrorInfo,
} from "./gen/google/rpc/error_details_pb";
import { Code } from "./gen/google/rpc/code_pb";
import type { Status } from "./gen/google/rpc/status_pb";

/** An error of the Exchange, whether it ended a call or answered one item of a bulk stream. */
export interface ExchangeError {
  /** The gRPC status code name, e.g. INVALID_ARGUMENT. */
  code: string;
  message: string;
  /** The one ErrorInfo: `reason` (e.g. VALIDATION_FAILED), `domain`, `metadata`. */
  errorInfo?: ErrorInfo;
  /** Every field violation of the BadRequest, if any. */
  violations: BadRequest_FieldViolation[];
}

/** The gRPC name of a status code (connect's Code has the numbers of google.rpc.Code). */
export function codeName(code: number): string {
  return Code[code] ?? `CODE_${code}`;
}

/** The details of an error that ended a call (Connect decodes grpc-status-details-bin). */
export function fromConnectError(error: ConnectError): ExchangeError {
  return {
    code: codeName(error.code),
    message: error.rawMessage,
    errorInfo: error.findDetails(ErrorInfoSchema)[0],
    violations: error.findDetails(BadRequestSchema).flatMap((badRequest) => badRequest.fieldViolations),
  };
}

/** The details of a google.rpc.Status carried in a message (a refused item of a bulk stream). */
export function fromStatus(status: Status): ExchangeError {
  return {
    code: codeName(status.code),
    message: status.message,
    errorInfo: status.details.map((detail) => anyUnpack(detail, ErrorInfoSchema)).find((info) => info !== undefined),
    violations: status.details.flatMap((detail) => anyUnpack(detail, BadRequestSchema)?.fieldViolations ?? []),
  };
}
