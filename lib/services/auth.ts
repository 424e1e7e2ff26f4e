import * as ecs from 'aws-cdk-lib/aws-ecs';
import { MembraneEnvironmentContract } from '../common/environment';

/**
 * Auth0 settings (seed 003: Single-page Application; callback URL and web origin = the Console URL).
 */
export interface MembraneAuth0Settings {
  /** Auth0 domain, e.g. `your-tenant.auth0.com` or a custom login domain. */
  readonly domain: string;
  /** Auth0 application client ID. */
  readonly clientId: string;
  /** Auth0 client secret, from Secrets Manager or SSM (e.g. `ecs.Secret.fromSecretsManager(secret)`). */
  readonly clientSecret: ecs.Secret;
}

/**
 * SMTP settings for Membrane's built-in username/password authentication (seed 001).
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
  /** SMTP user name. */
  readonly user: string;
  /** SMTP password, from Secrets Manager or SSM. */
  readonly password: ecs.Secret;
  /** Sender address of Membrane's emails (`EMAIL_FROM`). */
  readonly emailFrom: string;
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

  /** What the api-image services (API, workers, orchestrator) receive. */
  public abstract readonly engineContract: MembraneEnvironmentContract;

  /** What the Console receives (public Auth0 settings; nothing for username/password). */
  public abstract readonly consoleEnvironment: { [name: string]: string };

  /** Variables that belong to the other authentication mode and must not be set. */
  public abstract readonly forbiddenVariables: string[];
}

const AUTH0_VARIABLES = ['AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET', 'NEXT_PUBLIC_AUTH0_DOMAIN', 'NEXT_PUBLIC_AUTH0_CLIENT_ID'];
const SMTP_VARIABLES = ['SMTP_HOST', 'SMTP_PORT', 'SMTP_USER', 'SMTP_PASSWORD', 'EMAIL_FROM'];

class Auth0 extends MembraneAuth {
  public readonly engineContract: MembraneEnvironmentContract;
  public readonly consoleEnvironment: { [name: string]: string };
  public readonly forbiddenVariables = SMTP_VARIABLES;

  constructor(settings: MembraneAuth0Settings) {
    super();
    if (!settings.domain || /^https?:\/\//.test(settings.domain)) {
      throw new Error(`MembraneAuth.auth0: invalid 'domain' '${settings.domain}'. Give the Auth0 domain without scheme, e.g. your-tenant.auth0.com.`);
    }
    if (!settings.clientId) throw new Error("MembraneAuth.auth0: 'clientId' is empty. Give the Auth0 application's client ID.");
    this.engineContract = {
      environment: { AUTH0_DOMAIN: settings.domain, AUTH0_CLIENT_ID: settings.clientId },
      secrets: { AUTH0_CLIENT_SECRET: settings.clientSecret },
    };
    this.consoleEnvironment = { NEXT_PUBLIC_AUTH0_DOMAIN: settings.domain, NEXT_PUBLIC_AUTH0_CLIENT_ID: settings.clientId };
  }
}

class UsernamePassword extends MembraneAuth {
  public readonly engineContract: MembraneEnvironmentContract;
  public readonly consoleEnvironment: { [name: string]: string } = {};
  public readonly forbiddenVariables = AUTH0_VARIABLES;

  constructor(smtp: MembraneSmtpSettings) {
    super();
    const port = smtp.port ?? 587;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`MembraneAuth.usernamePassword: invalid 'port' ${port}. Use the SMTP submission port, usually 587 or 465.`);
    }
    if (!smtp.host) throw new Error("MembraneAuth.usernamePassword: 'host' is empty. Give the SMTP server host name.");
    if (!/^[^@\s]+@[^@\s]+$/.test(smtp.emailFrom)) {
      throw new Error(`MembraneAuth.usernamePassword: invalid 'emailFrom' '${smtp.emailFrom}'. Give a sender address such as noreply@example.com.`);
    }
    this.engineContract = {
      environment: { SMTP_HOST: smtp.host, SMTP_PORT: String(port), SMTP_USER: smtp.user, EMAIL_FROM: smtp.emailFrom },
      secrets: { SMTP_PASSWORD: smtp.password },
    };
  }
}
