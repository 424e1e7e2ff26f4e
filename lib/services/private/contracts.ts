import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import { DEFAULT_CPU_ARCHITECTURE } from './defaults';
import { cacheEndpointLabels, cachesContract, engineHeapMiB, keepAliveMs, secretSourceLabels } from './derived';
import {
  consoleEnvironment, customCodeRunnerEnvironment, engineEnvironment, engineServiceEnvironment, MembraneUrls, uiEnvironment,
} from './environment';
import { MembraneSecrets } from './secrets';
import { checkedExtras } from './service-validation';
import { ServiceKey, serviceSpecOf, ServiceSpec, perService } from './services-table';
import { MEMBRANE_PORT } from '../../common/constants';
import { mergeEnvironmentContracts } from '../../common/contract';
import { MembraneEnvironmentContract } from '../../common/environment';
import { propError } from '../../common/validation';
import { ResolvedExposure } from '../../ingress/private/exposure-resolution';
import { Routes } from '../../ingress/private/routing';
import { MembraneAuthConfig } from '../auth';
import { MembraneEcsServicesProps } from '../props';
import { MembraneApplicationSettings } from '../settings';

/** The application settings, with `BASE_WEBHOOKS_URI` and `BASE_OAUTH_CALLBACK_URI` of the public edge when there is one. */
export function applicationSettings(props: MembraneEcsServicesProps, exposure: ResolvedExposure): MembraneApplicationSettings {
  return exposure.edgeUrls ? {
    ...props.settings,
    baseWebhooksUri: exposure.edgeUrls.webhooks,
    baseOauthCallbackUri: exposure.edgeUrls.oauthCallback,
  } : props.settings ?? {};
}

/** The environment of every service: the managed contract of its kind plus its checked extras. */
export function environmentContracts(scope: Construct, props: MembraneEcsServicesProps, settings: MembraneApplicationSettings, routes: Routes,
  secrets: MembraneSecrets): Record<ServiceKey, MembraneEnvironmentContract> {
  const auth: MembraneAuthConfig = props.auth.bind(scope);
  const urls: MembraneUrls = { api: routes.api.url, ui: routes.ui.url, console: routes.console.url };
  const x86 = (props.cpuArchitecture ?? DEFAULT_CPU_ARCHITECTURE) === ecs.CpuArchitecture.X86_64;
  const customCodeRunnerUri = `http://${serviceSpecOf('customCodeRunner').name}:${MEMBRANE_PORT}`;
  const engineShared = mergeEnvironmentContracts(
    { environment: engineEnvironment(settings, urls, customCodeRunnerUri, x86), secrets: {} },
    props.storage.environmentContract,
    cachesContract(props.cache, props.workerCache),
    auth.engine,
    {
      environment: {},
      secrets: {
        MONGO_URI: ecs.Secret.fromSecretsManager(props.mongoUri),
        SECRET: ecs.Secret.fromSecretsManager(secrets.jwtSecret),
        ENCRYPTION_SECRET: ecs.Secret.fromSecretsManager(secrets.encryptionSecret),
        SELF_HOSTING_TOKEN: ecs.Secret.fromSecretsManager(props.selfHostingToken),
      },
    },
  );
  const managed = (spec: ServiceSpec): MembraneEnvironmentContract => {
    const debug = settings.debug ?? false;
    switch (spec.kind) {
      case 'engine': return mergeEnvironmentContracts(engineShared,
        { environment: engineServiceEnvironment(spec, settings, keepAliveMs(props), engineHeapMiB(scope, spec, props)), secrets: {} });
      case 'ui': return { environment: uiEnvironment(urls, routes.ui.basePath, debug), secrets: {} };
      case 'console': return { environment: consoleEnvironment(urls, routes.console.basePath, settings, auth.consoleEnvironment), secrets: {} };
      case 'runner': return { environment: customCodeRunnerEnvironment(debug), secrets: {} };
    }
  };
  return perService(spec => withExtras(scope, props, spec, managed(spec), auth.forbiddenVariables));
}

/** A service's managed contract with its own extras and, for the api-image services, the shared ones (never both for one name). */
function withExtras(scope: Construct, props: MembraneEcsServicesProps, spec: ServiceSpec, base: MembraneEnvironmentContract,
  forbiddenVariables: string[]): MembraneEnvironmentContract {
  const shared = props.sharedEngineEnvironment ?? {};
  const own = props.services?.[spec.key] ?? {};
  const extras = [checkedExtras(scope, spec, own, base, forbiddenVariables)];
  if (spec.kind === 'engine') {
    for (const name of [...Object.keys(shared.environment ?? {}), ...Object.keys(shared.secrets ?? {})]) {
      if (name in (own.environment ?? {}) || name in (own.secrets ?? {})) {
        throw propError(scope, `services.${spec.key}.${name in (own.environment ?? {}) ? 'environment' : 'secrets'}.${name}`,
          `${name} is also set in sharedEngineEnvironment`, 'Set it in one place: sharedEngineEnvironment for all four, or per service.');
      }
    }
    extras.push(checkedExtras(scope, spec, shared, base, forbiddenVariables, 'sharedEngineEnvironment'));
  }
  return mergeEnvironmentContracts(base, ...extras);
}

/**
 * Docker labels of a service's Membrane container: the caches' endpoints (api-image services) and the sources of the
 * secrets this stack assembles; none when there are none (no empty `DockerLabels` in the template).
 */
export function dockerLabels(scope: Construct, spec: ServiceSpec, props: MembraneEcsServicesProps,
  contract: MembraneEnvironmentContract): { [label: string]: string } | undefined {
  const labels = {
    ...(spec.kind === 'engine' ? cacheEndpointLabels(props.cache, props.workerCache) : {}),
    ...secretSourceLabels(scope, contract.secrets),
  };
  return Object.keys(labels).length > 0 ? labels : undefined;
}
