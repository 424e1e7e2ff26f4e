import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { MembraneEnvironmentContract } from '../common/environment';
import { known, requireSecrets, warnOnSuffixLikeSecretName } from '../common/validation';

/**
 * Auth0 settings ("Self-hosting": Single-page Application; callback URL and web origin = the Console URL).
 */
export interface MembraneAuth0Settings {
  /** Auth0 domain, e.g. `your-tenant.auth0.com` or a custom login domain. */
  readonly domain: string;
  /** Auth0 application client ID. */
  readonly clientId: string;
  /** Secret whose value is the Auth0 client secret (`AUTH0_CLIENT_SECRET`). */
  readonly clientSecret: secretsmanager.ISecret;
}

/**
 * SMTP settings for Membrane's built-in username/password authentication ("Service Deployment").
 */
export interface MembraneSmtpSettings {
  /** SMTP server host. */
  readonly host: string;
  /**
   * SMTP server port.
   *
   * @default 587
   */
  readonly port?: number;
  /**
   * SMTP user name (`SMTP_USER`), when it is not in the secret. Amazon SES SMTP needs the credential's own user
   * name (`AKIA...`), not a label: keep it in the secret.
   *
   * @default - the `username` key of `password`'s secret, whose `password` key is then the password
   */
  readonly user?: string;
  /**
   * Secret with the SMTP password (`SMTP_PASSWORD`): its whole value when `user` is given, else a JSON secret
   * `{"username": "...", "password": "..."}`.
   */
  readonly password: secretsmanager.ISecret;
  /** Sender address of Membrane's emails (`EMAIL_FROM`). */
  readonly emailFrom: string;
}

/**
 * What an authentication mode contributes to the Membrane services, returned by `MembraneAuth.bind`.
 */
export interface MembraneAuthConfig {
  /** What the api-image services (API, workers, orchestrator) receive. */
  readonly engine: MembraneEnvironmentContract;

  /** What the Console receives (public Auth0 settings; nothing for username/password). */
  readonly consoleEnvironment: { [name: string]: string };

  /** Variables that belong to the other authentication mode and must not be set. */
  readonly forbiddenVariables: string[];
}

/**
 * How users sign in to Membrane: Auth0, or the built-in username/password provider. Exactly one.
 */
export abstract class MembraneAuth {
  /** Sign in with Auth0; the API and the Console share the same Auth0 application. */
  public static auth0(settings: MembraneAuth0Settings): MembraneAuth {
    return new Auth0(settings);
  }

  /** Built-in username/password sign-in; Membrane sends its emails through the given SMTP server. */
  public static usernamePassword(smtp: MembraneSmtpSettings): MembraneAuth {
    return new UsernamePassword(smtp);
  }

  /** Called by `MembraneEcsServices` when it wires the services. */
  public abstract bind(scope: Construct): MembraneAuthConfig;
}

const AUTH0_VARIABLES = ['AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET', 'NEXT_PUBLIC_AUTH0_DOMAIN', 'NEXT_PUBLIC_AUTH0_CLIENT_ID'];
const SMTP_VARIABLES = ['SMTP_HOST', 'SMTP_PORT', 'SMTP_USER', 'SMTP_PASSWORD', 'EMAIL_FROM'];

class Auth0 extends MembraneAuth {
  constructor(private readonly settings: MembraneAuth0Settings) {
    super();
    if (!settings.domain || (known(settings.domain) && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i.test(settings.domain))) {
      throw new Error(`MembraneAuth.auth0: invalid 'domain' '${settings.domain}'. Give the Auth0 domain without scheme, e.g. your-tenant.auth0.com.`);
    }
    if (!settings.clientId) throw new Error("MembraneAuth.auth0: 'clientId' is empty. Give the Auth0 application's client ID.");
  }

  public bind(scope: Construct): MembraneAuthConfig {
    const { domain, clientId, clientSecret } = this.settings;
    requireSecrets(scope, { 'auth.clientSecret': clientSecret });
    warnOnSuffixLikeSecretName(scope, 'auth0.clientSecret', clientSecret);
    return {
      engine: {
        environment: { AUTH0_DOMAIN: domain, AUTH0_CLIENT_ID: clientId },
        secrets: { AUTH0_CLIENT_SECRET: ecs.Secret.fromSecretsManager(clientSecret) },
      },
      consoleEnvironment: { NEXT_PUBLIC_AUTH0_DOMAIN: domain, NEXT_PUBLIC_AUTH0_CLIENT_ID: clientId },
      forbiddenVariables: SMTP_VARIABLES,
    };
  }
}

class UsernamePassword extends MembraneAuth {
  constructor(private readonly smtp: MembraneSmtpSettings) {
    super();
    const port = smtp.port ?? 587;
    if (known(port) && (!Number.isInteger(port) || port < 1 || port > 65535)) {
      throw new Error(`MembraneAuth.usernamePassword: invalid 'port' ${port}. Use the SMTP submission port, usually 587 or 465.`);
    }
    if (!smtp.host) throw new Error("MembraneAuth.usernamePassword: 'host' is empty. Give the SMTP server host name.");
    if (known(smtp.host) && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(smtp.host)) {
      throw new Error(`MembraneAuth.usernamePassword: invalid 'host' '${smtp.host}'. Give the host name alone, without scheme or port, `
        + 'e.g. email-smtp.eu-central-1.amazonaws.com; the port goes in \'port\'.');
    }
    if (known(smtp.emailFrom) && !/^[^@\s]+@[^@\s]+$/.test(smtp.emailFrom)) {
      throw new Error(`MembraneAuth.usernamePassword: invalid 'emailFrom' '${smtp.emailFrom}'. Give a sender address such as noreply@example.com.`);
    }
  }

  public bind(scope: Construct): MembraneAuthConfig {
    const { host, port, user, password, emailFrom } = this.smtp;
    requireSecrets(scope, { 'auth.password': password });
    warnOnSuffixLikeSecretName(scope, 'usernamePassword.password', password);
    const fromSecret = user === undefined;
    return {
      engine: {
        environment: { SMTP_HOST: host, SMTP_PORT: String(port ?? 587), ...(fromSecret ? {} : { SMTP_USER: user }), EMAIL_FROM: emailFrom },
        secrets: fromSecret
          ? { SMTP_USER: ecs.Secret.fromSecretsManager(password, 'username'), SMTP_PASSWORD: ecs.Secret.fromSecretsManager(password, 'password') }
          : { SMTP_PASSWORD: ecs.Secret.fromSecretsManager(password) },
      },
      consoleEnvironment: {},
      forbiddenVariables: AUTH0_VARIABLES,
    };
  }
}
