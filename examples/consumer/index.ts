// An app stack consuming the quickstart's token through a StackReference. The token stays a
// secret end to end: it is handed to the app's configuration as a secret and never printed.
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const producer = new pulumi.StackReference(config.require("producer"));

// getOutput keeps the producer's secretness: this Output is secret.
const token = producer.getOutput("ordersToken") as pulumi.Output<string>;

/** What the app would receive as its environment (secret, because it contains the token). */
export const appEnvironment = pulumi.secret(
  token.apply((t) =>
    JSON.stringify({ ORDERS_API_URL: "https://orders.internal", ORDERS_API_TOKEN: t }),
  ),
);
/** Which token the app uses, without revealing it. */
export const tokenIdInUse = producer.getOutput("ordersTokenId");
/** A check that the app and the orders service agree, without exposing the token. */
export const tokenMatchesPublishedHash = pulumi.unsecret(
  pulumi
    .all([token, producer.getOutput("ordersTokenHash")])
    .apply(([t, h]) => createHash("sha256").update(String(t)).digest("hex") === h),
);
