import { Duration } from 'aws-cdk-lib';

/**
 * Facts about Membrane that more than one building block relies on. One place for each; the page named
 * in each comment is where the value comes from (see docs/sources.md).
 */

/** Port every Membrane container listens on ("Service Deployment"; "Frequently Asked Questions"). */
export const MEMBRANE_PORT = 5000;

/** Tasks of every service in production: at least 2, for availability and zero-downtime updates ("Self-hosting"). */
export const MIN_PRODUCTION_TASKS = 2;

/** Period of every metric this library reads: Membrane's gauges arrive every scrape, AWS metrics every minute. */
export const METRIC_PERIOD = Duration.minutes(1);

/**
 * `HEADERS_TIMEOUT_MS` and `KEEPALIVE_TIMEOUT_MS` of the API ("Self-hosting": 61 s): one second above the load
 * balancer's idle timeout, so the load balancer closes idle connections first.
 */
export const API_KEEPALIVE_MS = 61000;

/** How much longer the API keeps an idle connection than the load balancer. */
export const KEEPALIVE_MARGIN_MS = 1000;

/** Names of variables that carry credentials and must reach containers as ECS secrets only. */
export const SECRET_NAME_PATTERN = /(SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE_KEY|ACCESS_KEY|API_KEY|CONNECTION_STRING|^MONGO_URI$|REDIS(_CLUSTER)?_URI)/;

/**
 * Tag of the public edge's load balancer in a private deployment: MembraneChecks finds the edge by it and checks that
 * it forwards only named paths.
 */
export const EDGE_TAG = { key: 'membrane:exposure', value: 'public-edge' } as const;
