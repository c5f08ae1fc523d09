/**
 * The provider SDKs each backend creates resources with. They are optional peer dependencies,
 * loaded only by the backend that needs them (a random-only program never loads @pulumi/aws).
 */
import type * as Aws from "@pulumi/aws";
import type * as Random from "@pulumi/random";
import type * as Vault from "@pulumi/vault";
import { requirePeer } from "../peer";
import type { Backend } from "../schema/scopes";

export const awsPackage = (): typeof Aws =>
  requirePeer("@pulumi/aws", 'ScopedToken\'s "aws-iam" and "aws-secret" backends');
export const vaultPackage = (): typeof Vault =>
  requirePeer("@pulumi/vault", 'ScopedToken\'s "vault" backend');
export const randomPackage = (): typeof Random =>
  requirePeer("@pulumi/random", 'ScopedToken\'s "random" and "aws-secret" backends');

/** Loads every provider SDK `backend` needs; throws MissingPeerError naming the first missing one. */
export function loadBackendPackages(backend: Backend): void {
  if (backend === "vault") vaultPackage();
  if (backend === "random" || backend === "aws-secret") randomPackage();
  if (backend === "aws-iam" || backend === "aws-secret") awsPackage();
}
