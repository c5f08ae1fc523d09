export * from "./schedule";
export * from "./clock";
