/** The node arguments that run a workspace TypeScript file in a child process. */
export declare function tsChildArgs(): string[];
export declare const TS_CHILD_REGISTER: string;
