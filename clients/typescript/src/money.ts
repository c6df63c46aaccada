// google.type.Money as text and back, exactly: integer units and nanos, never through floating
// point (the node refuses a payment with more decimals than the currency has).
import { create } from "@bufbuild/protobuf";
import { MoneySchema, type Money } from "./gen/google/type/money_pb";

/** "EUR 18.07": the code and the exact decimal, at least two decimals, trailing zeros beyond them dropped. */
export function formatMoney(money: Money | undefined): string {
  if (money === undefined) {
    return "(none)";
  }
  const negative = money.units < 0n || money.nanos < 0;
  const units = negative ? -money.units : money.units;
  const fraction = String(Math.abs(money.nanos)).padStart(9, "0").replace(/0+$/, "").padEnd(2, "0");
  return `${money.currencyCode} ${negative ? "-" : ""}${units}.${fraction}`;
}

/** Whole units of a currency, e.g. EUR 9. */
export function wholeUnits(currencyCode: string, units: bigint): Money {
  return create(MoneySchema, { currencyCode, units, nanos: 0 });
}
