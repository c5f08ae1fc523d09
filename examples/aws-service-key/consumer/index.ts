// The exporter's own stack: it receives the key pair through a StackReference and hands it to the
// service as secret configuration. The secret access key is never printed: it stays a secret Output.
import * as pulumi from "@pulumi/pulumi";

const producer = new pulumi.StackReference(new pulumi.Config().require("producer"));

/** The environment the exporter runs with (secret, because it holds the key). */
export const exporterEnvironment = pulumi.secret(
  pulumi
    .all([producer.getOutput("accessKeyId"), producer.getOutput("secretAccessKey")])
    .apply(([id, secret]) =>
      JSON.stringify({ AWS_ACCESS_KEY_ID: id, AWS_SECRET_ACCESS_KEY: secret }),
    ),
);
/** Which key the exporter uses (not secret). */
export const accessKeyInUse = producer.getOutput("accessKeyId");
