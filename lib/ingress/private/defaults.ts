import { Duration } from 'aws-cdk-lib';
import { API_KEEPALIVE_MS, KEEPALIVE_MARGIN_MS } from '../../common/constants';
import { MembraneFirewall } from '../firewall';

/** The load balancer's idle timeout by default: one second below the API's 61 s keep-alive ("Self-hosting"). */
export const DEFAULT_IDLE_TIMEOUT = Duration.millis(API_KEEPALIVE_MS - KEEPALIVE_MARGIN_MS);

/** How long the load balancer's access logs are kept in the log bucket this library creates. */
export const LOAD_BALANCER_LOG_EXPIRATION = Duration.days(365);

/** The public edge's web ACL by default: the managed rules and rate limit of the main load balancer's. */
export const DEFAULT_EDGE_FIREWALL = MembraneFirewall.managed();
