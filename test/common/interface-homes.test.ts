import { IMembraneCache, IMembraneStorage, MembraneCache, MembraneNetwork, MembraneStorage } from '../../lib';
import * as cache from '../../lib/cache';
import * as storage from '../../lib/storage';
import { describeCdkTest } from '../harness';
import { testStack } from '../rule-packs';

// IMembraneStorage and IMembraneCache live next to their constructs, and the package exports them under the same names.

describeCdkTest('IMembraneStorage and IMembraneCache', () => {
  test('are the interfaces of lib/storage and lib/cache, exported from the package', () => {
    const stack = testStack();
    const vpc = new MembraneNetwork(stack, 'Network').vpc;
    const created = { storage: new MembraneStorage(stack, 'Storage'), cache: new MembraneCache(stack, 'Cache', { vpc }) };
    const fromFolders: { storage: storage.IMembraneStorage; cache: cache.IMembraneCache } = created;
    const fromPackage: { storage: IMembraneStorage; cache: IMembraneCache } = fromFolders;
    expect(fromPackage.storage.staticUrl).toBe(created.storage.staticUrl);
    expect(fromPackage.cache.replicationGroupId).toBe(created.cache.replicationGroupId);
  });
});
