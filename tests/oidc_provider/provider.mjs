// A real OpenID Connect provider for the SSO tests: panva's certified oidc-provider with its
// built-in sign-in pages (any password; the login names an account in the state file).
// Usage: node provider.mjs <port> <state.json>
// The state file is read again on every lookup, so a test removes a person from a group by
// rewriting it: {"clients": [...], "accounts": {"<login>": {"sub": ..., "email": ..., ...}}}
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const [port, stateFile] = process.argv.slice(2);
const state = () => JSON.parse(readFileSync(stateFile, 'utf8'));
const { clients, jwks } = state();

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients,
  jwks,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
    employee: ['employee_id'],
  },
  cookies: { keys: ['test-only-cookie-key'] },
  pkce: { required: () => false },
  // The municipality's clients are first-party: no consent page.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.params.scope);
    await grant.save();
    return grant;
  },
  async findAccount(ctx, id) {
    const account = state().accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { ...account, sub: account.sub ?? id };
      },
    };
  },
  ttl: {
    // Short sessions are the tests' business, not the provider's.
    Session: 3600,
    IdToken: () => state().idTokenTtl ?? 3600,
  },
});
provider.proxy = false;
provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`ready ${port}`);
});
