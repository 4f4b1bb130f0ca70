/**
 * @module
 * The consistency checks Iglu Server runs before it stores a schema (`model/VersionCursor.scala`
 * and `SchemaService.isSchemaAllowed`): the availability of the group, an existing version,
 * SchemaVer sequencing and the `$supersedes` list. Each failure answers 409 with its message.
 */
import { compareSchemaVer, type SchemaVer, sameSchemaVer } from "../../core/iglu/schema-ver.ts";

/** Why a schema may not be added to its group (vendor and name). */
export type Inconsistency =
  | { readonly kind: "Availability"; readonly isPublic: boolean; readonly previousPublic: boolean }
  | { readonly kind: "AlreadyExists" }
  | { readonly kind: "PreviousMissing" }
  | { readonly kind: "NextRevisionExists" }
  | { readonly kind: "SupersededMissing" }
  | { readonly kind: "SupersededInvalid" };

/** One version already in the group, and whether it is public. */
export interface GroupMember {
  readonly version: SchemaVer;
  readonly isPublic: boolean;
}

/** The reference's messages, word for word (`Inconsistency` Show and `IgluResponse`). */
export function inconsistencyMessage(i: Inconsistency): string {
  switch (i.kind) {
    case "Availability":
      return `Inconsistent schema availability. Cannot add ${i.isPublic ? "public" : "private"} schema, previous versions are ${i.previousPublic ? "public" : "private"}`;
    case "AlreadyExists":
      return "Schema already exists";
    case "PreviousMissing":
      return "Preceding SchemaVer in the group is missing, check that schemas published in proper order";
    // The reference answers this case with IgluResponse.SchemaNonSequential, not the Show text.
    case "NextRevisionExists":
      return "The schema version is not sequential";
    case "SupersededMissing":
      return "Superseded schema version(s) do not exist";
    case "SupersededInvalid":
      return "Superseded schema version(s) must be below the superseding version";
  }
}

/**
 * Whether `version` may follow `existing` (which does not yet contain it, or contains it for a
 * patch). `VersionCursor.isVersionAllowed`:
 * - 1-0-0 always starts a group;
 * - M-0-0 needs some (M-1)-x-x;
 * - M-R-0 needs some M-(R-1)-x;
 * - M-R-A needs M-R-(A-1), and no M-(R+1)-x may exist yet.
 */
export function sequencingProblem(existing: readonly SchemaVer[], version: SchemaVer): Inconsistency | null {
  const { model, revision, addition } = version;
  if (model === 1 && revision === 0 && addition === 0) return null;
  if (revision === 0 && addition === 0) {
    return existing.some((v) => v.model === model - 1) ? null : { kind: "PreviousMissing" };
  }
  const thisModel = existing.filter((v) => v.model === model);
  if (addition === 0) {
    return thisModel.some((v) => v.revision === revision - 1) ? null : { kind: "PreviousMissing" };
  }
  if (thisModel.some((v) => v.revision === revision + 1)) return { kind: "NextRevisionExists" };
  const sequential = thisModel.some((v) => v.revision === revision && v.addition === addition - 1);
  return sequential ? null : { kind: "PreviousMissing" };
}

/**
 * All of `isSchemaAllowed`, in the reference's order: availability (only when the group is not
 * empty), then an existing version (unless patches are allowed), sequencing, and `$supersedes`.
 */
export function publishProblem(
  group: readonly GroupMember[],
  version: SchemaVer,
  isPublic: boolean,
  patchesAllowed: boolean,
  supersedes: readonly SchemaVer[],
): Inconsistency | null {
  const previousPublic = group.every((m) => m.isPublic);
  if (group.length > 0 && isPublic !== previousPublic) {
    return { kind: "Availability", isPublic, previousPublic };
  }
  const versions = group.map((m) => m.version);
  if (!patchesAllowed && versions.some((v) => sameSchemaVer(v, version))) return { kind: "AlreadyExists" };
  const sequencing = sequencingProblem(versions, version);
  if (sequencing) return sequencing;
  if (!containsAll(versions, supersedes)) return { kind: "SupersededMissing" };
  if (supersedes.some((s) => compareSchemaVer(s, version) > 0)) return { kind: "SupersededInvalid" };
  return null;
}

/**
 * Scala's `supersedes.diff(existing).isEmpty`: a multiset difference, so listing one version twice
 * needs it twice in the group (which never happens), i.e. duplicates are refused.
 */
function containsAll(existing: readonly SchemaVer[], wanted: readonly SchemaVer[]): boolean {
  const pool = [...existing];
  for (const w of wanted) {
    const at = pool.findIndex((v) => sameSchemaVer(v, w));
    if (at < 0) return false;
    pool.splice(at, 1);
  }
  return true;
}
