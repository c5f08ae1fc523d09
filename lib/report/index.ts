/** Credential inventory of a stack from `pulumi stack export`. */
export { buildInventory, REPORT_FLAGS } from "./inventory";
export type {
  Inventory,
  InventoryEntry,
  InventoryOptions,
  GenerationEntry,
  Flag,
  ReportFlag,
} from "./inventory";
export { formatTable } from "./format";
