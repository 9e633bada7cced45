import dev.weft.*;
import dev.weft.scope.*;
import dev.weft.event.*;
import dev.weft.lock.*;
import dev.weft.cuda.*;
import java.time.Duration;
import java.util.concurrent.Callable;
