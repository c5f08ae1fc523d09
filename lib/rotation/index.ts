export * from "./schedule";
export * from "./clock";
export * from "./anchor";
