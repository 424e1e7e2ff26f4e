import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { MembraneAuth } from '../../lib';
import { describeCdkTest } from '../harness';
import { testStack } from '../rule-packs';

// MembraneAuth.bind: the environment each login method gives the engine and the Console.

describeCdkTest('MembraneAuth.bind', () => {
  test('Auth0: engine contract with the client secret as an ECS secret, public values for the Console, SMTP forbidden', () => {
    const stack = testStack();
    const config = MembraneAuth.auth0({
      domain: 'login.example.com', clientId: 'c1', clientSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'A', 'membrane/auth0'),
    }).bind(stack);
    expect(config.engine.environment).toEqual({ AUTH0_DOMAIN: 'login.example.com', AUTH0_CLIENT_ID: 'c1' });
    expect(Object.keys(config.engine.secrets)).toEqual(['AUTH0_CLIENT_SECRET']);
    expect(config.consoleEnvironment).toEqual({ NEXT_PUBLIC_AUTH0_DOMAIN: 'login.example.com', NEXT_PUBLIC_AUTH0_CLIENT_ID: 'c1' });
    expect(config.forbiddenVariables).toContain('SMTP_PASSWORD');
  });

  test('username/password without user: SMTP_USER and SMTP_PASSWORD from the username and password keys of one secret', () => {
    const stack = testStack();
    const smtp = secretsmanager.Secret.fromSecretNameV2(stack, 'Ses', 'membrane/smtp');
    const config = MembraneAuth.usernamePassword({ host: 'email-smtp.eu-central-1.amazonaws.com', password: smtp, emailFrom: 'a@b.c' })
      .bind(stack);
    expect(config.engine.environment).toEqual({ SMTP_HOST: 'email-smtp.eu-central-1.amazonaws.com', SMTP_PORT: '587', EMAIL_FROM: 'a@b.c' });
    const valueFrom = (name: string) => stack.resolve(config.engine.secrets[name].arn);
    expect(JSON.stringify(valueFrom('SMTP_USER'))).toContain(':secret:membrane/smtp:username::');
    expect(JSON.stringify(valueFrom('SMTP_PASSWORD'))).toContain(':secret:membrane/smtp:password::');
  });

  test('username/password: SMTP settings, the password as an ECS secret, nothing for the Console', () => {
    const stack = testStack();
    const config = MembraneAuth.usernamePassword({
      host: 'smtp.example.com', user: 'u', password: secretsmanager.Secret.fromSecretNameV2(stack, 'P', 'membrane/smtp'), emailFrom: 'a@b.c',
    }).bind(stack);
    expect(config.engine.environment).toEqual({ SMTP_HOST: 'smtp.example.com', SMTP_PORT: '587', SMTP_USER: 'u', EMAIL_FROM: 'a@b.c' });
    expect(Object.keys(config.engine.secrets)).toEqual(['SMTP_PASSWORD']);
    expect(config.consoleEnvironment).toEqual({});
    expect(config.forbiddenVariables).toContain('AUTH0_CLIENT_SECRET');
  });
});
