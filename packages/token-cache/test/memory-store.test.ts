import { MemoryStore } from '../src';
import { describeStoreContract } from './support/store-contract';

describeStoreContract('MemoryStore', () => new MemoryStore());
