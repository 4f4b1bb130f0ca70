/**
 * @module
 * The boot script of an app instance, as plain text from resolved values: install Node and the
 * furrow release from the stage's bucket, write the app's config files, fetch its secrets into a
 * root-only environment file, and run `furrow <app> …` as a systemd service. systemd sends SIGTERM
 * on stop, which every app handles by draining and checkpointing (issue #8, Operations).
 *
 * Amazon Linux 2023 ships the AWS CLI and dnf; Node comes from its repositories and only starts
 * `bin/furrow.cjs`, which runs the CLI on the Bun that npm installs with the package.
 */

/** A database whose credentials are in the Secrets Manager secret RDS manages (`username`, `password`). */
export interface DatabaseSecret {
  readonly secretArn: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
}

export interface UserDataSpec {
  /** The service name, `furrow-<service>`. */
  readonly service: string;
  readonly region: string;
  /** The `npm pack` tarball in the stage's bucket. */
  readonly release: { readonly bucket: string; readonly key: string; readonly etag: string };
  /** Files written before the service starts (config files), by absolute path. */
  readonly files?: readonly { readonly path: string; readonly content: string }[];
  /** Exported to the service as `DATABASE_URL`. */
  readonly database?: DatabaseSecret;
  /** Secrets exported to the service whole, by environment variable (e.g. `IGLU_SUPER_API_KEY`). */
  readonly secrets?: Readonly<Record<string, string>>;
  /** Everything after `furrow`: the sub-command and its flags. */
  readonly args: readonly string[];
}

/** Characters a value may have to be written unquoted into the script and the unit. */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

function plain(what: string, value: string): string {
  if (!PLAIN.test(value)) throw new Error(`user data: ${what} '${value}' has characters that need quoting`);
  return value;
}

/** `value` as one single-quoted shell word. */
const quoted = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

/** A heredoc delimiter that does not occur in `content`. */
function delimiter(content: string): string {
  let d = "FURROW_EOF";
  while (content.includes(d)) d += "_";
  return d;
}

/** The script, starting with `#!/bin/bash`. Throws on values it could not embed safely. */
export function userDataScript(spec: UserDataSpec): string {
  const service = `furrow-${plain("service", spec.service)}`;
  const region = plain("region", spec.region);
  const releaseUrl = `s3://${plain("bucket", spec.release.bucket)}/${plain("release key", spec.release.key)}`;
  const lines = [
    "#!/bin/bash",
    "set -euo pipefail",
    `# ${service}: release ${plain("release etag", spec.release.etag.replaceAll('"', ""))}`,
    "dnf install -y nodejs npm jq",
    "id furrow >/dev/null 2>&1 || useradd --system --home-dir /opt/furrow --shell /sbin/nologin furrow",
    "mkdir -p /opt/furrow /etc/furrow",
    `aws s3 cp --region ${region} ${releaseUrl} /opt/furrow/furrow.tgz`,
    "npm install --prefix /opt/furrow --omit=dev --no-audit --no-fund /opt/furrow/furrow.tgz",
  ];
  for (const file of spec.files ?? []) {
    const d = delimiter(file.content);
    lines.push(`cat > ${plain("file path", file.path)} <<'${d}'`, file.content, d);
  }
  lines.push("install -m 600 /dev/null /etc/furrow/env");
  if (spec.database) {
    const db = spec.database;
    lines.push(
      `secret=$(aws secretsmanager get-secret-value --region ${region} --secret-id ${quoted(db.secretArn)} --query SecretString --output text)`,
      `user=$(printf %s "$secret" | jq -r '.username | @uri')`,
      `password=$(printf %s "$secret" | jq -r '.password | @uri')`,
      `printf 'DATABASE_URL=postgres://%s:%s@${plain("database host", db.host)}:${db.port}/${plain("database", db.database)}?sslmode=require\\n' "$user" "$password" >> /etc/furrow/env`,
    );
  }
  for (const [variable, arn] of Object.entries(spec.secrets ?? {})) {
    lines.push(
      `printf '${plain("variable", variable)}=%s\\n' "$(aws secretsmanager get-secret-value --region ${region} --secret-id ${quoted(arn)} --query SecretString --output text)" >> /etc/furrow/env`,
    );
  }
  const exec = ["/opt/furrow/node_modules/.bin/furrow", ...spec.args.map((a) => plain("argument", a))];
  const unit = [
    "[Unit]",
    `Description=furrow ${spec.args[0] ?? ""}`,
    "Wants=network-online.target",
    "After=network-online.target",
    "",
    "[Service]",
    "User=furrow",
    "WorkingDirectory=/opt/furrow",
    "EnvironmentFile=/etc/furrow/env",
    `Environment=AWS_REGION=${region}`,
    `ExecStart=${exec.join(" ")}`,
    "KillSignal=SIGTERM",
    // The collector drains for its preTerminationPeriod (10 s) before flushing; loaders flush a batch.
    "TimeoutStopSec=120",
    "Restart=always",
    "RestartSec=5",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
  ].join("\n");
  lines.push(
    "chown -R furrow /opt/furrow",
    `cat > /etc/systemd/system/${service}.service <<'FURROW_UNIT'`,
    unit,
    "FURROW_UNIT",
    "systemctl daemon-reload",
    `systemctl enable --now ${service}`,
  );
  return `${lines.join("\n")}\n`;
}
