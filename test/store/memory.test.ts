/** The memory store against the Store contract. */
import { createMemoryStore } from '../../src/store/memory.js';
import { storeContract } from './contract.js';

storeContract('memory', createMemoryStore);
