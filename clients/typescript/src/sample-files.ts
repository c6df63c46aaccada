// Reading declarations in proto3 JSON (the contract's JSON encoding) with the generated schema.
// Unknown field names are refused, so a typo is reported instead of being dropped silently.
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { fromJsonString } from "@bufbuild/protobuf";
import { ConsignmentSchema, type Consignment } from "./gen/exchange/declaration/v1/consignment_pb";
import { DeclarationSchema, type Declaration } from "./gen/exchange/declaration/v1/declaration_pb";

/** One declaration of a file, with where it came from for messages. */
export interface DeclarationFile {
  /** The file name, plus `:<line>` for a JSON Lines file. */
  source: string;
  declaration: Declaration;
}

/** Reads a file holding one declaration. */
export async function readDeclaration(path: string): Promise<DeclarationFile> {
  return { source: basename(path), declaration: parse(await readFile(path, "utf8"), basename(path)) };
}

/** Reads a JSON Lines file: one declaration per non-blank line. */
export async function readDeclarationLines(path: string): Promise<DeclarationFile[]> {
  const lines = (await readFile(path, "utf8")).split(/\r?\n/);
  return lines.flatMap((line, index) => {
    if (line.trim() === "") {
      return [];
    }
    const source = `${basename(path)}:${index + 1}`;
    return [{ source, declaration: parse(line, source) }];
  });
}

function parse(json: string, source: string): Declaration {
  try {
    return fromJsonString(DeclarationSchema, json);
  } catch (error) {
    throw new Error(`${source}: not a valid declaration in proto3 JSON: ${(error as Error).message}`);
  }
}

/** Reads a file holding one master consignment (the carrier's filing). */
export async function readConsignment(path: string): Promise<Consignment> {
  try {
    return fromJsonString(ConsignmentSchema, await readFile(path, "utf8"));
  } catch (error) {
    throw new Error(`${basename(path)}: not a valid consignment in proto3 JSON: ${(error as Error).message}`);
  }
}
