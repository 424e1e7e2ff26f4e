import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';

// What the backups protect: "Self-hosting" asks for regular backups of every bucket, and "Frequently Asked Questions"
// for versioning, cross-region replication and regular snapshots of the storage buckets. The retentions and times below
// are this library's choices within AWS Backup's limits.

/** AWS Backup keeps continuous backups of S3 for at most 35 days. */
export const MAX_CONTINUOUS_DAYS = 35;

/** Point-in-time restore over the longest window AWS Backup offers for S3. */
export const DEFAULT_CONTINUOUS_RETENTION = Duration.days(35);

/** Daily recovery points reach further back than point-in-time restore. */
export const DEFAULT_DAILY_RETENTION = Duration.days(90);

/**
 * When each rule starts, twelve hours apart, and how long AWS Backup may take to start its job. When the windows of two
 * rules of a plan overlap, AWS Backup takes one backup, for the rule with the longer retention ("Backup plan options and
 * configuration"; "Understanding backup plan summary": a copy action of the rule that did not run does not run either).
 * A continuous rule has a schedule too (AWS Backup's default is `cron(0 5 ? * * *)`, the daily rule's time before): it
 * is stated here so that the daily recovery point, and its copy to another region, always run.
 */
export const CONTINUOUS_SCHEDULE = events.Schedule.cron({ hour: '5', minute: '0' });
export const DAILY_SCHEDULE = events.Schedule.cron({ hour: '17', minute: '0' });
export const START_WINDOW = Duration.hours(8);
